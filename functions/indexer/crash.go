package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store"
)

// Steps of publishing a snapshot at which WISSENSNETZ_TEST_CRASH_AT ends the process, as a
// Lambda environment may end at any moment: the tests of the AWS shape (infra/awstest)
// check that the index converges after a cold start whichever step was the last.
const (
	crashAfterFiles    = "after-files"    // the snapshot's files are uploaded, its manifest is not
	crashAfterManifest = "after-manifest" // the manifest is uploaded, the pointer not moved
	crashBeforePointer = "before-pointer" // as after-manifest, just before the conditional write
)

// crashing wraps the blobs and the change log of the indexer so that the process ends at
// the step named by at ("" for never).
type crashing struct {
	at  string
	log *slog.Logger
}

func (c crashing) exit(step string) {
	c.log.Error("ending the process for a test", "step", step)
	os.Exit(3)
}

type crashingBlobs struct {
	search.SnapshotBlobs
	crashing
}

func (b crashingBlobs) PutBlob(ctx context.Context, key string, r io.Reader, contentType string) error {
	manifest := strings.Contains(key, "/manifests/")
	if manifest && b.at == crashAfterFiles {
		b.exit(b.at)
	}
	err := b.SnapshotBlobs.PutBlob(ctx, key, r, contentType)
	if manifest && err == nil && b.at == crashAfterManifest {
		b.exit(b.at)
	}
	return err
}

type crashingLog struct {
	store.ChangeLog
	crashing
}

func (l crashingLog) PublishSnapshot(ctx context.Context, p store.SnapshotPointer, prev *store.SnapshotPointer) error {
	if l.at == crashBeforePointer {
		l.exit(l.at)
	}
	return l.ChangeLog.PublishSnapshot(ctx, p, prev)
}
