// Package mail sends the notifications of Wissensnetz: invitations, password links and
// workflow decisions. Locally mail goes into an outbox folder that coordinators can read;
// on AWS it goes through Amazon SES.
package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Message is one plain-text mail.
type Message struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	At      time.Time `json:"at"`
}

// Mailer sends mail.
type Mailer interface {
	// Send delivers m or returns an error; it does not retry.
	Send(ctx context.Context, m Message) error
}

// Outbox is the Mailer of local mode: every message becomes a JSON file in a folder, newest
// last by name, readable on the coordinators' outbox page.
type Outbox struct {
	dir string
	mu  sync.Mutex
	seq int
}

// NewOutbox returns an outbox writing into dir, which it creates.
func NewOutbox(dir string) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	return &Outbox{dir: dir}, nil
}

// Send stores m in the outbox.
func (o *Outbox) Send(_ context.Context, m Message) error {
	if m.At.IsZero() {
		m.At = time.Now().UTC()
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	o.mu.Lock()
	o.seq++
	name := fmt.Sprintf("%s-%04d.json", m.At.UTC().Format("20060102T150405.000000000"), o.seq%10000)
	o.mu.Unlock()
	tmp := filepath.Join(o.dir, "."+name)
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	return os.Rename(tmp, filepath.Join(o.dir, name))
}

// Messages returns up to limit messages, newest first.
func (o *Outbox) Messages(limit int) ([]Message, error) {
	files, err := os.ReadDir(o.dir)
	if err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	var names []string
	for _, f := range files {
		if !f.IsDir() && strings.HasSuffix(f.Name(), ".json") && !strings.HasPrefix(f.Name(), ".") {
			names = append(names, f.Name())
		}
	}
	slices.Sort(names)
	slices.Reverse(names)
	var out []Message
	for _, n := range names {
		if len(out) == limit {
			break
		}
		b, err := os.ReadFile(filepath.Join(o.dir, n))
		if err != nil {
			return nil, fmt.Errorf("mail: outbox: %w", err)
		}
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			continue
		}
		out = append(out, m)
	}
	return out, nil
}
