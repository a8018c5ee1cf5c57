package dynamo

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func TestWordListsRetriedPutCountsAsSuccess(t *testing.T) {
	t.Parallel()
	for _, returnOnFailure := range []bool{false, true} {
		t.Run(fmt.Sprintf("item on failed condition %v", returnOnFailure), func(t *testing.T) {
			f := open(t)
			f.spy.returnOnFailure = returnOnFailure
			f.spy.repeatPut = func(*dynamodb.PutItemInput) bool { return true }
			for v := 1; v <= 2; v++ {
				w := &wiki.WordLists{Synonyms: "OZG = Onlinezugangsgesetz", Protected: "Weißenthurm", Version: v, UpdatedAt: time.Now().UTC(), UpdatedBy: "Anna Schäfer"}
				mustOK(t, fmt.Sprintf("PutWordLists(version %d) with the put repeated", v), f.PutWordLists(t.Context(), w))
			}
			f.spy.repeatPut = nil
			wantCode(t, "stale PutWordLists", f.PutWordLists(t.Context(), &wiki.WordLists{Version: 2}), wiki.ECONFLICT)
		})
	}
}

// TestWordListsCalls pins what the web instances pay for noticing changed word lists: one
// GetItem.
func TestWordListsCalls(t *testing.T) {
	t.Parallel()
	f := open(t)
	f.spy.returnOnFailure = true // count as on DynamoDB
	ctx := t.Context()
	ops := []struct {
		name string
		run  func() error
		want map[string]int
	}{
		{"WordLists, none stored", func() error { _, err := f.WordLists(ctx); return err }, map[string]int{"GetItem": 1}},
		{"PutWordLists", func() error {
			return f.PutWordLists(ctx, &wiki.WordLists{Synonyms: "KI = künstliche Intelligenz", Version: 1})
		}, map[string]int{"PutItem": 3, "UpdateItem": 2}}, // announced before, reported done after
		{"WordLists", func() error { _, err := f.WordLists(ctx); return err }, map[string]int{"GetItem": 1}},
		{"PutWordLists, stale", func() error { return ignoreConflict(f.PutWordLists(ctx, &wiki.WordLists{Version: 1})) }, map[string]int{"PutItem": 2, "UpdateItem": 1}},
	}
	for _, op := range ops {
		f.spy.reset()
		mustOK(t, op.name, op.run())
		if got := f.spy.counts(); fmt.Sprint(got) != fmt.Sprint(op.want) {
			t.Errorf("%s: got calls %v, want %v", op.name, got, op.want)
		}
	}
}
