package search

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
)

func TestSnapshotPrune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := newMemBlobs()
	ix, _ := newBuiltIndex(t, 1, testDocs())
	var ms []*Manifest
	var prev *Manifest
	for i, d := range []Document{extraDoc(), testDocs()[0], testDocs()[2]} {
		if i == 2 {
			time.Sleep(100 * time.Millisecond) // the last one is younger by that much
		}
		d.ID = fmt.Sprintf("1%d-more", i)
		if err := ix.Apply(ctx, Batch{Put: []Document{d}, Seq: uint64(2 + i)}); err != nil {
			t.Fatal(err)
		}
		prev = publish(t, ix, blobs, prev)
		ms = append(ms, prev)
	}
	// An upload in progress, its manifest not written yet, and keys Publish never writes.
	busy := fileKey(testPrefix, ulid.MustNew(ulid.Now()+60_000, ulid.DefaultEntropy()).String(), "store/000000000099.zap")
	others := []string{busy, testPrefix + "CURRENT", testPrefix + "files/notes.txt", testPrefix + "manifests/readme.json"}
	for _, k := range others {
		blobs.data[k] = []byte("x")
	}
	keys := func() []string { k, _ := blobs.ListBlobs(ctx, ""); return k }
	all := keys()
	// want returns others and the keys of ms, sorted.
	want := func(ms ...*Manifest) []string {
		out := slices.Clone(others)
		for _, m := range ms {
			out = append(out, ManifestKey(testPrefix, m.ID))
			for _, f := range m.Files {
				out = append(out, f.Key)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}

	tests := []struct {
		name      string
		keep      []*Manifest
		olderThan func() time.Duration
		want      []string
	}{
		{"all young", nil, func() time.Duration { return time.Hour }, all},
		{"young ones keep their files", nil, func() time.Duration { return time.Since(ms[1].Created) - 50*time.Millisecond }, want(ms[2])},
		{"kept", ms[2:], func() time.Duration { time.Sleep(2 * time.Millisecond); return 0 }, want(ms[2])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(keys())
			n, err := PruneSnapshots(ctx, blobs, testPrefix, tt.keep, tt.olderThan())
			if err != nil {
				t.Fatal(err)
			}
			if got := keys(); !slices.Equal(got, tt.want) || n != before-len(got) {
				t.Errorf("PruneSnapshots removed %d, left\n%v\nwant\n%v", n, got, tt.want)
			}
		})
	}
	sameSearches(t, openSnapshot(t, fetch(t, blobs, ms[2], nil)), ix)
}
