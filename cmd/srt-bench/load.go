package main

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sync"
	"time"
)

// loadSpec bounds one closed-loop measurement: workers each run op back to back until the duration
// is over or they have run maxOps operations.
type loadSpec struct {
	workers  int
	duration time.Duration
	warmup   time.Duration // run, unrecorded, before the measurement
	maxOps   int           // per worker and phase
}

// latencyResult is what one measurement saw, or the median of several.
type latencyResult struct {
	ok, failed int
	firstErr   error
	rate       float64 // successful operations per second
	p50, p99   time.Duration
}

// medianResult sums the counts of rs and takes the median of their rates and percentiles, over the
// rounds in which something succeeded.
func medianResult(rs []latencyResult) latencyResult {
	var sum latencyResult
	var rates []float64
	var p50s, p99s []time.Duration
	for _, r := range rs {
		sum.ok += r.ok
		sum.failed += r.failed
		if sum.firstErr == nil {
			sum.firstErr = r.firstErr
		}
		if r.ok > 0 {
			rates, p50s, p99s = append(rates, r.rate), append(p50s, r.p50), append(p99s, r.p99)
		}
	}
	if len(rates) > 0 {
		sum.rate, sum.p50, sum.p99 = median(rates), median(p50s), median(p99s)
	}
	return sum
}

// median is the middle of xs (the upper middle for an even count); xs must not be empty.
func median[T cmp.Ordered](xs []T) T {
	return slices.Sorted(slices.Values(xs))[len(xs)/2]
}

// runLoad warms up, then measures op under spec.workers concurrent callers. op must be safe for
// concurrent use and must bound its own time (deadlines).
func runLoad(ctx context.Context, spec loadSpec, op func() error) latencyResult {
	if spec.warmup > 0 {
		runPhase(ctx, spec.workers, spec.warmup, spec.maxOps, op)
	}
	return runPhase(ctx, spec.workers, spec.duration, spec.maxOps, op)
}

func runPhase(ctx context.Context, workers int, d time.Duration, maxOps int, op func() error) latencyResult {
	type workerResult struct {
		lats     []time.Duration
		failed   int
		firstErr error
	}
	results := make([]workerResult, workers)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := &results[w]
			for i := 0; i < maxOps && ctx.Err() == nil && time.Now().Before(deadline); i++ {
				t0 := time.Now()
				err := op()
				lat := time.Since(t0)
				if err != nil {
					r.failed++
					if r.firstErr == nil {
						r.firstErr = err
					}
					continue
				}
				r.lats = append(r.lats, lat)
			}
		})
	}
	wg.Wait()

	elapsed := time.Since(start)
	var res latencyResult
	var lats []time.Duration
	for _, r := range results {
		lats = append(lats, r.lats...)
		res.failed += r.failed
		if res.firstErr == nil {
			res.firstErr = r.firstErr
		}
	}
	res.ok = len(lats)
	res.rate = float64(res.ok) / elapsed.Seconds()
	slices.Sort(lats)
	res.p50, res.p99 = percentile(lats, 0.50), percentile(lats, 0.99)
	return res
}

// percentile is the nearest-rank q-quantile of sorted, or 0 if it is empty.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
