package mail

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
)

// TestSESSendsThroughTheRealClient runs the real SES v2 client against a small server that
// answers like the SendEmail endpoint, and checks what the client sent.
func TestSESSendsThroughTheRealClient(t *testing.T) {
	var got struct {
		FromEmailAddress string
		Destination      struct{ ToAddresses []string }
		Content          struct {
			Simple struct {
				Subject struct{ Data, Charset string }
				Body    struct {
					Text struct{ Data, Charset string }
				}
			}
		}
	}
	var path, auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, auth = r.URL.Path, r.Header.Get("Authorization")
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Errorf("request body: %v", err)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"MessageId":"0100-abc"}`)
	}))
	defer srv.Close()
	client := sesv2.New(sesv2.Options{Region: "eu-central-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	m := NewSES(client, "Wissensnetz <wissensnetz@beispiel-kommune.de>")
	err := m.Send(t.Context(), Message{To: "erika@beispiel-kommune.de", Subject: "Einladung ins Wissensnetz", Body: "Grüße aus Kaiserslautern"})
	if err != nil {
		t.Fatal(err)
	}
	if path != "/v2/email/outbound-emails" || !strings.Contains(auth, "AWS4-HMAC-SHA256") {
		t.Errorf("request to %s with auth %q", path, auth)
	}
	if got.FromEmailAddress != "Wissensnetz <wissensnetz@beispiel-kommune.de>" || len(got.Destination.ToAddresses) != 1 || got.Destination.ToAddresses[0] != "erika@beispiel-kommune.de" {
		t.Errorf("sent from %q to %v", got.FromEmailAddress, got.Destination.ToAddresses)
	}
	if got.Content.Simple.Subject.Data != "Einladung ins Wissensnetz" || got.Content.Simple.Body.Text.Data != "Grüße aus Kaiserslautern" || got.Content.Simple.Body.Text.Charset != "UTF-8" {
		t.Errorf("content = %+v", got.Content)
	}

	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "MessageRejected")
		w.WriteHeader(400)
		io.WriteString(w, `{"message":"Email address is not verified."}`)
	}))
	defer failing.Close()
	client = sesv2.New(sesv2.Options{Region: "eu-central-1", BaseEndpoint: aws.String(failing.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	if err := NewSES(client, "x@beispiel.de").Send(t.Context(), Message{To: "a@b.de"}); err == nil || !strings.Contains(err.Error(), "MessageRejected") {
		t.Errorf("rejected mail: err = %v", err)
	}
}
