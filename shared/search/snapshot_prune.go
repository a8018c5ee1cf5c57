package search

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// PruneSnapshots removes from blobs under prefix the manifests and files of published
// snapshots that neither a manifest of keep nor one published within olderThan refers to,
// and returns the number of keys it removed. Manifests and files published within
// olderThan stay, as someone may be fetching them or a Publish may still be uploading:
// olderThan should exceed the longest fetch and publish. Keys under prefix that Publish
// would not have written are left alone. Manifests are removed before files, so that an
// interrupted prune leaves no manifest without its files.
func PruneSnapshots(ctx context.Context, blobs SnapshotBlobs, prefix string, keep []*Manifest, olderThan time.Duration) (int, error) {
	n, err := pruneSnapshots(ctx, blobs, prefix, keep, olderThan)
	if err != nil {
		return n, fmt.Errorf("search: prune snapshots: %w", err)
	}
	return n, nil
}

func pruneSnapshots(ctx context.Context, blobs SnapshotBlobs, prefix string, keep []*Manifest, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	young := func(id string) (ok, recent bool) {
		u, err := ulid.ParseStrict(id)
		if err != nil {
			return false, false
		}
		return true, !ulid.Time(u.Time()).Before(cutoff)
	}

	kept := map[string]bool{}       // manifest ids
	referenced := map[string]bool{} // file keys
	for _, m := range keep {
		kept[m.ID] = true
		for _, f := range m.Files {
			referenced[f.Key] = true
		}
	}

	keys, err := blobs.ListBlobs(ctx, prefix+"manifests/")
	if err != nil {
		return 0, err
	}
	var stale []string
	for _, key := range keys {
		id, ok := strings.CutSuffix(strings.TrimPrefix(key, prefix+"manifests/"), ".json")
		valid, recent := young(id)
		switch {
		case !ok || !valid || kept[id]:
		case recent:
			m, err := readManifest(ctx, blobs, key)
			if wiki.ErrorCode(err) == wiki.ENOTFOUND {
				continue // pruned by someone else meanwhile
			}
			if err != nil {
				return 0, err // without it, its files are not known: remove nothing
			}
			for _, f := range m.Files {
				referenced[f.Key] = true
			}
		default:
			stale = append(stale, key)
		}
	}

	files, err := blobs.ListBlobs(ctx, prefix+"files/")
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, key := range stale {
		if err := blobs.DeleteBlob(ctx, key); err != nil {
			return removed, err
		}
		removed++
	}
	for _, key := range files {
		id, _, ok := strings.Cut(strings.TrimPrefix(key, prefix+"files/"), "/")
		valid, recent := young(id)
		if !ok || !valid || recent || referenced[key] {
			continue
		}
		if err := blobs.DeleteBlob(ctx, key); err != nil {
			return removed, err
		}
		removed++
	}
	return removed, nil
}
