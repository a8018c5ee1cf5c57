package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
)

// awsEnv points the admin tool at a fresh table and bucket on the stand-ins started by
// infra/standins.sh, as an operator's environment names those of a stack.
func awsEnv(t *testing.T) *dynamo.Store {
	t.Helper()
	dynamoURL, s3URL := os.Getenv("WISSENSNETZ_TEST_DYNAMODB"), os.Getenv("WISSENSNETZ_TEST_S3")
	access, secret := os.Getenv("WISSENSNETZ_TEST_S3_ACCESS"), os.Getenv("WISSENSNETZ_TEST_S3_SECRET")
	if dynamoURL == "" || s3URL == "" {
		msg := `stand-ins not running: eval "$(bash infra/standins.sh)"`
		if os.Getenv("WISSENSNETZ_REQUIRE_STANDINS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	name := fmt.Sprintf("wissensnetz-admin-%d", time.Now().UnixNano())
	creds := credentials.NewStaticCredentialsProvider(access, secret, "")
	db := dynamodb.New(dynamodb.Options{Region: "eu-central-1", BaseEndpoint: aws.String(dynamoURL), Credentials: creds})
	s3c := s3.New(s3.Options{Region: "eu-central-1", BaseEndpoint: aws.String(s3URL), UsePathStyle: true, Credentials: creds})
	ctx := t.Context()
	ds := dynamo.New(db, name, nil)
	if err := ds.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	for k, v := range map[string]string{
		"WISSENSNETZ_TABLE": name, "WISSENSNETZ_BUCKET": name,
		"WISSENSNETZ_DYNAMODB_ENDPOINT": dynamoURL, "WISSENSNETZ_S3_ENDPOINT": s3URL,
		"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "eu-central-1",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		t.Setenv(k, v)
	}
	return ds
}

// TestAdminOnAWS: an operator of a fresh stack imports the knowledge base, creates the
// first accounts and a token, exports the same file again and publishes the index.
func TestAdminOnAWS(t *testing.T) {
	ds := awsEnv(t)
	ctx := t.Context()
	file := filepath.Join(t.TempDir(), "demo.zip")
	if err := os.WriteFile(file, mustRead(t), 0o644); err != nil {
		t.Fatal(err)
	}
	admin := func(stdin string, args ...string) (string, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, args, strings.NewReader(stdin), &out, &errOut); err != nil {
			t.Fatalf("admin %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String(), errOut.String()
	}
	if out, _ := admin("", "import", file); !strings.Contains(out, "Einträge") {
		t.Errorf("import output = %q", out)
	}
	admin("Sicheres-Passwort-2026\n", "user", "create", "--email", "koordination@ikone.example", "--name", "Koordinierungsstelle", "--role", "koordination")
	if out, _ := admin("", "token", "create", "--email", "koordination@ikone.example", "--name", "Import"); !strings.HasPrefix(out, "wn_") {
		t.Errorf("token create printed %q, want a token", out)
	}
	first, _ := admin("", "export")
	second, _ := admin("", "export")
	recs, files := readExport(t, []byte(first))
	if first != second || strings.Count(recs, `"type":"entry"`) < 36 || len(files) != len(demo.Files) {
		t.Errorf("exports differ or lack the demo's entries and files (%d entries, files %q)", strings.Count(recs, `"type":"entry"`), files)
	}
	_, msg := admin("", "reindex")
	if !strings.Contains(msg, "veröffentlicht") {
		t.Errorf("reindex said %q", msg)
	}
	page, err := ds.Changes(ctx, math.MaxUint64, 1)
	if err != nil {
		t.Fatal(err)
	}
	if page.Snapshot == nil || page.Snapshot.Docs < 36 || page.Snapshot.Seq != page.Counter {
		t.Errorf("published snapshot %+v (counter %d), want one with the demo's entries up to the last change", page.Snapshot, page.Counter)
	}
}
