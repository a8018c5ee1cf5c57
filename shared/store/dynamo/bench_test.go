package dynamo

import (
	"fmt"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// BenchmarkEntryOps measures the entry operations against dynalite: latency (ns/op) and
// DynamoDB calls per operation (calls/op). Run it with
//
//	go test -run '^$' -bench EntryOps -benchtime 200x ./shared/store/dynamo
func BenchmarkEntryOps(b *testing.B) {
	f := open(b)
	ctx := b.Context()
	e, rev := newEntry(0, "lorawan-sensornetz")
	if err := f.CreateEntry(ctx, e, rev); err != nil {
		b.Fatal(err)
	}
	created := 0
	report := func(b *testing.B) {
		b.ReportMetric(float64(f.spy.total())/float64(b.N), "calls/op")
	}

	b.Run("EntryBySlug", func(b *testing.B) {
		f.spy.reset()
		for b.Loop() {
			if _, err := f.EntryBySlug(ctx, e.Slug); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("Create", func(b *testing.B) {
		f.spy.reset()
		for b.Loop() {
			created++ // entries of earlier runs stay: ids and slugs must be new
			next, r := newEntry(created, fmt.Sprintf("eintrag-%d", created))
			if err := f.CreateEntry(ctx, next, r); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("Update", func(b *testing.B) {
		current, err := f.Entry(ctx, e.ID)
		if err != nil {
			b.Fatal(err)
		}
		f.spy.reset()
		for b.Loop() {
			next, r := nextVersion(current, fmt.Sprintf("Fassung %d", current.Version+1))
			if err := f.UpdateEntry(ctx, next, r); err != nil {
				b.Fatal(err)
			}
			current = next
		}
		report(b)
	})
}

// BenchmarkAccountOps measures the account lookups of every request and sign-in against
// dynalite, like BenchmarkEntryOps. Run it with
//
//	go test -run '^$' -bench AccountOps -benchtime 200x ./shared/store/dynamo
func BenchmarkAccountOps(b *testing.B) {
	f := open(b)
	ctx := b.Context()
	u := &wiki.User{ID: "01HS3V7W2K8D5M9QZ4T1B00001", Email: "anna.schaefer@kaiserslautern.example", Name: "Anna Schäfer", Role: wiki.RoleMember, Municipality: "07312000"}
	sess := &store.Session{TokenHash: "sitzung", UserID: u.ID, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	if err := f.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	if err := f.PutSession(ctx, sess); err != nil {
		b.Fatal(err)
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(f.spy.total())/float64(b.N), "calls/op")
	}

	b.Run("Session", func(b *testing.B) {
		f.spy.reset()
		for b.Loop() {
			if _, err := f.Session(ctx, sess.TokenHash); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("UserByEmail", func(b *testing.B) {
		f.spy.reset()
		for b.Loop() {
			if _, err := f.UserByEmail(ctx, u.Email); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("ConsumeToken", func(b *testing.B) {
		hashes := make([]string, b.N)
		for i := range hashes {
			hashes[i] = fmt.Sprintf("link-%d-%d", b.N, i) // runs with another N use other hashes
			tok := &store.Token{Hash: hashes[i], Kind: store.TokenReset, UserID: u.ID, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
			if err := f.PutToken(ctx, tok); err != nil {
				b.Fatal(err)
			}
		}
		f.spy.reset()
		b.ResetTimer()
		for i := range b.N {
			if _, err := f.ConsumeToken(ctx, hashes[i]); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
}
