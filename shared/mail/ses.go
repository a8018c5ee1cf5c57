package mail

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// SESClient is the part of the Amazon SES v2 client that SES uses.
type SESClient interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ SESClient = (*sesv2.Client)(nil)

// SES is the Mailer on AWS: it sends through Amazon SES from a verified sender address.
type SES struct {
	client SESClient
	from   string
}

// NewSES returns a Mailer sending from the address from (e.g. "Wissensnetz
// <wissensnetz@kaiserslautern.de>").
func NewSES(client SESClient, from string) *SES { return &SES{client: client, from: from} }

// Send sends m as a plain-text UTF-8 mail.
func (s *SES) Send(ctx context.Context, m Message) error {
	utf8 := aws.String("UTF-8")
	_, err := s.client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.from),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: utf8},
			Body:    &types.Body{Text: &types.Content{Data: aws.String(m.Body), Charset: utf8}},
		}},
	})
	if err != nil {
		return fmt.Errorf("mail: ses: %w", err)
	}
	return nil
}
