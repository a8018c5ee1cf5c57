package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/awsclient"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
)

// openAWS opens the installation on AWS named by the environment: WISSENSNETZ_TABLE,
// WISSENSNETZ_BUCKET and, for stand-ins, WISSENSNETZ_DYNAMODB_ENDPOINT and
// WISSENSNETZ_S3_ENDPOINT, as the functions read them. With rebuild it builds the index
// from the table, to publish it; otherwise it has no index. done closes the app and
// removes what it left on the local disk.
func openAWS(ctx context.Context, rebuild bool) (a *app.App, done func(), err error) {
	table, bucket := os.Getenv("WISSENSNETZ_TABLE"), os.Getenv("WISSENSNETZ_BUCKET")
	if bucket == "" {
		return nil, nil, errors.New("WISSENSNETZ_BUCKET fehlt (neben WISSENSNETZ_TABLE)")
	}
	cfg, err := awsclient.Config(ctx, time.Minute)
	if err != nil {
		return nil, nil, fmt.Errorf("AWS-Konfiguration: %w", err)
	}
	blobs := s3blob.New(awsclient.S3(cfg, os.Getenv("WISSENSNETZ_S3_ENDPOINT")), bucket, "")
	ds := dynamo.New(awsclient.DynamoDB(cfg, os.Getenv("WISSENSNETZ_DYNAMODB_ENDPOINT")), table, blobs)
	cloud := app.Cloud{Log: ds, WithoutIndex: true}
	dir := ""
	if rebuild {
		if dir, err = os.MkdirTemp("", "wissensnetz-admin-"); err != nil {
			return nil, nil, err
		}
		cloud = app.Cloud{Log: ds, Snapshots: app.NewBlobSnapshots(blobs, dir), Writer: true, FromTable: true}
	}
	a, err = app.Start(ctx, ds.Stores(), cloud, app.Options{})
	if err != nil {
		if dir != "" {
			os.RemoveAll(dir)
		}
		return nil, nil, err
	}
	return a, func() {
		a.Close()
		if dir != "" {
			os.RemoveAll(dir)
		}
	}, nil
}

// publishIndex publishes the index that openAWS built from the table as the current
// snapshot; the indexer and the web instances continue from it.
func publishIndex(ctx context.Context, a *app.App, stderr io.Writer) error {
	rep, err := a.IndexChanges(ctx)
	if err != nil {
		return err
	}
	if rep.Published == nil {
		return errors.New("der Suchindex wurde aufgebaut, aber nicht veröffentlicht: ein anderer Schreiber war schneller; bitte erneut versuchen")
	}
	fmt.Fprintf(stderr, "Suchindex aus der Tabelle neu aufgebaut und als Snapshot %s veröffentlicht (%d Einträge, Änderung %d).\n",
		rep.Published.ID, rep.Published.Docs, rep.Published.Seq)
	return nil
}
