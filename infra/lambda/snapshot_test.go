package lambda

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ikone-ds/wissensnetz/infra/bench/corpus"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// BenchmarkColdStartFromSnapshot measures cold starts of the web function's bootstrap
// under the Lambda Runtime Interface Emulator that load a published index snapshot of the
// synthetic corpus (infra/bench/corpus) from the S3 stand-in: from starting the emulator
// to the answer of the first search (GET /suche?q=Breitbandausbau). The emulator and the
// function are kept on the processors WISSENSNETZ_BENCH_CPUS (default "1": one processor,
// more than the about 0.6 of one that a Lambda function of 1 GB gets). Sizes are
// WISSENSNETZ_BENCH_SIZES (default "1000,10000"; 100000 takes a few minutes to build).
// It reports the median and 90th percentile of the time to the first search, the init
// phase as the emulator reports it, the bytes fetched, their transfer at 80 MB/s on paper
// and the function's peak resident memory. The bytes fetched are those stored in S3
// (compressed); the measured time includes decompressing them on the pinned processor. Run it with
//
//	bash infra/bench/coldstart.sh
func BenchmarkColdStartFromSnapshot(b *testing.B) {
	s := needStandins(b)
	bootstrap := needBootstrap(b)
	cpus := os.Getenv("WISSENSNETZ_BENCH_CPUS")
	if cpus == "" {
		cpus = "1"
	}
	sizes := os.Getenv("WISSENSNETZ_BENCH_SIZES")
	if sizes == "" {
		sizes = "1000,10000"
	}
	for _, size := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(size))
		if err != nil {
			b.Fatalf("WISSENSNETZ_BENCH_SIZES: %v", err)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			table, bucket := s.freshTable(b), s.freshBucket(b)
			bytes := publishCorpus(b, s, table, bucket, n)
			env := s.functionEnv(table, bucket)
			var first, inits, peaks []float64
			for b.Loop() {
				f := startFunctionOn(b, s.rie, bootstrap, env, cpus)
				resp := f.invoke(b, request(b, http.MethodGet, "/suche?q=Breitbandausbau", nil, nil))
				elapsed := time.Since(f.started)
				peak, perr := f.fn.PeakMemory()
				f.stop()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("first search: status %d\n%s", resp.StatusCode, tail(f.output(), 30))
				}
				if !strings.Contains(f.output(), "index snapshot loaded") {
					b.Fatalf("the function did not load the snapshot:\n%s", tail(f.output(), 30))
				}
				first = append(first, float64(elapsed.Microseconds())/1000)
				if m := initReport.FindStringSubmatch(f.output()); m != nil {
					ms, _ := strconv.ParseFloat(m[1], 64)
					inits = append(inits, ms)
				}
				if perr == nil {
					peaks = append(peaks, float64(peak)/(1<<20))
				}
			}
			b.ReportMetric(0, "ns/op") // an iteration includes starting and stopping the emulator
			b.ReportMetric(percentile(first, 50), "ms-first-search-median")
			b.ReportMetric(percentile(first, 90), "ms-first-search-p90")
			if len(inits) > 0 {
				b.ReportMetric(percentile(inits, 50), "ms-init-median")
			}
			b.ReportMetric(float64(bytes)/(1<<20), "MiB-fetched")
			b.ReportMetric(float64(bytes)/80e6*1000, "ms-transfer-at-80MBps")
			if len(peaks) > 0 {
				b.ReportMetric(percentile(peaks, 50), "MiB-peak-rss")
			}
		})
	}
}

// publishCorpus builds the index of n corpus entries, publishes it as the current snapshot
// of table and bucket, with the corpus's municipalities in the table, and returns the
// bytes of its files as stored (compressed) in the bucket.
func publishCorpus(tb testing.TB, s standins, table, bucket string, n int) int64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	blobs := s3blob.New(s.s3Client(), bucket, "")
	ds := dynamo.New(s.dynamoClient(), table, blobs)
	for _, ags := range corpus.Municipalities() {
		if err := ds.PutMunicipality(ctx, &wiki.Municipality{AGS: ags, Name: "Kommune " + ags, Slug: "kommune-" + ags}); err != nil {
			tb.Fatal(err)
		}
	}
	dir := filepath.Join(tb.TempDir(), "index")
	ix, err := search.OpenWith(dir, search.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer ix.Close()
	docs := corpus.Entries(n, 1)
	scan := func(put func(search.Document) error) error {
		for _, d := range docs {
			if err := put(d); err != nil {
				return err
			}
		}
		return nil
	}
	if err := ix.Rebuild(ctx, 0, scan, nil); err != nil {
		tb.Fatal(err)
	}
	snaps := app.NewBlobSnapshots(blobs, tb.TempDir())
	page, err := ds.Changes(ctx, ^uint64(0), 1)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := snaps.Publish(ctx, ix, page.Counter, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := ds.PublishSnapshot(ctx, p, nil); err != nil {
		tb.Fatal(err)
	}
	// What a cold start fetches: the stored (compressed) files of the snapshot.
	var size int64
	out, err := s.s3Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(app.SnapshotPrefix + "files/" + p.ID + "/")})
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range out.Contents {
		size += aws.ToInt64(o.Size)
	}
	return size
}
