package lambda

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/infra/demo"
	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
)

// initReport is the emulator's line on the function's init phase.
var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// BenchmarkColdStart measures cold starts of the web function's bootstrap under the Lambda
// Runtime Interface Emulator, with dynalite and the S3 stand-in: from starting the emulator
// to the answer of the first request (GET /). The emulator starts the function with the
// first invocation, so this covers the process start, the function's init (configuration,
// SDK clients, loading the catalog, building the search index from the table, parsing the
// templates) and the first request. It reports the median and the 90th percentile of
// that ("ms-first-response") and of the init phase alone as the emulator reports it
// ("ms-init"). "empty" starts on an empty table, "demo" on the demo data (32
// municipalities, 13 topics, 45 entries). Run it with
//
//	bash infra/bench/coldstart.sh
func BenchmarkColdStart(b *testing.B) {
	s := needStandins(b)
	bootstrap := needBootstrap(b)
	for _, data := range []struct {
		name string
		seed bool
	}{{"empty", false}, {"demo", true}} {
		b.Run(data.name, func(b *testing.B) {
			table, bucket := s.freshTable(b), s.freshBucket(b)
			if data.seed {
				seedDemo(b, s, table, bucket)
			}
			env := s.functionEnv(table, bucket)
			var first, inits []float64
			for b.Loop() {
				f := startFunction(b, s.rie, bootstrap, env)
				resp := f.invoke(b, request(b, http.MethodGet, "/", nil, nil))
				elapsed := time.Since(f.started)
				f.stop()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("GET /: status %d", resp.StatusCode)
				}
				first = append(first, float64(elapsed.Microseconds())/1000)
				if m := initReport.FindStringSubmatch(f.output()); m != nil {
					ms, _ := strconv.ParseFloat(m[1], 64)
					inits = append(inits, ms)
				}
			}
			b.ReportMetric(0, "ns/op") // an iteration includes stopping the emulator
			b.ReportMetric(percentile(first, 50), "ms-first-response-median")
			b.ReportMetric(percentile(first, 90), "ms-first-response-p90")
			if len(inits) > 0 {
				b.ReportMetric(percentile(inits, 50), "ms-init-median")
			}
		})
	}
}

// percentile returns the p-th percentile of samples (nearest rank).
func percentile(samples []float64, p int) float64 {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100
	return s[max(rank-1, 0)]
}

// seedDemo imports the demo data into the table through the app.
func seedDemo(tb testing.TB, s standins, table, bucket string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ds := dynamo.New(s.dynamoClient(), table, s3blob.New(s.s3Client(), bucket, ""))
	a, err := app.Start(ctx, ds.Stores(), app.Cloud{Log: ds}, app.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Import(ctx, demo.Open(), demo.Author); err != nil {
		tb.Fatalf("import demo data: %v", err)
	}
}
