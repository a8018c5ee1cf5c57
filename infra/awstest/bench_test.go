package awstest

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkWriteToSearchable measures how long a write through the API on web 1 takes to
// be found by a visitor's search on web 2, both under the emulator on the stand-ins: from
// the answer to the write to the first search on web 2 that finds it (searches every
// 5 ms). It reports the median and the 95th percentile. Run it with
//
//	bash infra/bench/aws.sh
func BenchmarkWriteToSearchable(b *testing.B) {
	s := startSite(b)
	slug := s.visitorSearch(0, "")[0]
	var lat []float64
	i := 0
	for b.Loop() {
		i++
		word := fmt.Sprintf("Messlatte%dx", i)
		s.edit(0, slug, func(e map[string]any) { e["summary"] = fmt.Sprintf("Ein Eintrag mit der %s.", word) })
		start := time.Now()
		for !contains(s.visitorSearch(1, word), slug) {
			if time.Since(start) > 10*time.Second {
				b.Fatalf("%s not found on web 2 after 10 s", word)
			}
			time.Sleep(5 * time.Millisecond)
		}
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
	}
	slices.Sort(lat)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(lat[len(lat)/2], "ms-p50")
	b.ReportMetric(lat[min(len(lat)-1, len(lat)*95/100)], "ms-p95")
}
