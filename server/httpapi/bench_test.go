package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jszg/server/account"
	"jszg/server/config"
	"jszg/server/testenv"
	"jszg/shared/api"
)

// BenchmarkSignInAgainstBareHash measures, in one run on one machine, how many argon2id hashes a
// second the bare hasher makes with every core busy, then how many sign-ins a second the running
// server completes over loopback HTTP (captcha off, production hash parameters), and reports the
// ratio. Sign-in costs one hash, so a ratio near 1 means the rest of the request is cheap beside it.
func BenchmarkSignInAgainstBareHash(b *testing.B) {
	const window = 3 * time.Second
	workers := 2 * runtime.GOMAXPROCS(0)

	h := account.NewHasher(account.DefaultHashParams)
	hashRate := rate(window, workers, func() { h.Hash("Teach3r-Qual!ty") })

	env := testenv.Start(b, testenv.WithRealHashing(), testenv.WithConfig(func(c *config.Config) { c.CaptchaOff = true }))
	ctx := context.Background()
	const accounts = 64
	numbers := make([]string, accounts)
	store := account.New(env.Server.Store)
	for i := range numbers {
		numbers[i] = idNumber("19850101", i)
		acc := &account.Account{ID: account.NewID(), DocType: api.DocIDCard, DocNumber: numbers[i], Name: "测试",
			PasswordHash: h.Hash("Teach3r-Qual!ty"), RealName: account.RealNameNone, CreatedAt: time.Now()}
		if err := store.Create(ctx, acc); err != nil {
			b.Fatal(err)
		}
	}
	var n atomic.Int64
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var failures atomic.Int64
	signInRate := rate(window, workers, func() {
		i := n.Add(1)
		body, _ := json.Marshal(api.SignInRequest{DocNumber: numbers[i%accounts], Password: "Teach3r-Qual!ty", Captcha: "off"})
		resp, err := client.Post(env.URL+"/api/session", "application/json", bytes.NewReader(body))
		if err != nil || resp.StatusCode != http.StatusOK {
			failures.Add(1)
		}
		if resp != nil {
			resp.Body.Close()
		}
	})
	if failures.Load() > 0 {
		b.Fatalf("%d sign-ins failed", failures.Load())
	}
	b.ReportMetric(hashRate, "hashes/s")
	b.ReportMetric(signInRate, "signins/s")
	b.ReportMetric(signInRate/hashRate, "signin/hash")
	b.ReportMetric(0, "ns/op")
}

// rate runs f on workers goroutines for about d and returns completions per second.
func rate(d time.Duration, workers int, f func()) float64 {
	var done atomic.Int64
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				f()
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(done.Load()) / time.Since(start).Seconds()
}
