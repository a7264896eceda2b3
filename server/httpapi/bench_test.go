package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"jszg/server/account"
	"jszg/server/config"
	"jszg/server/seed"
	"jszg/server/testenv"
	"jszg/shared/api"
)

// BenchmarkSignInAgainstBareHash measures, in one run on one machine, how many argon2id hashes a
// second the bare hasher makes with every core busy, then how many sign-ins a second the running
// server completes over loopback HTTP (captcha off, production hash parameters), on a store of
// 0 and of 1,000,000 seeded applicants, and reports the ratio. A sign-in costs one hash, so a
// ratio near 1 means the rest of the request (lookups, limits, session, audit) is cheap beside it.
//
//	go test -run '^$' -bench SignInAgainstBareHash -benchtime 1x ./server/httpapi/
func BenchmarkSignInAgainstBareHash(b *testing.B) {
	const window = 3 * time.Second
	workers := 2 * runtime.GOMAXPROCS(0)
	env := testenv.StartOn(b, testenv.SQLite, testenv.WithRealHashing(), testenv.WithConfig(func(c *config.Config) { c.CaptchaOff = true }))
	ctx := context.Background()
	have := 0
	for _, size := range []int{0, 1_000_000} {
		// The accounts signing in are seeded ones; "0" is a store holding only those 64.
		if _, err := seed.Into(ctx, env.Server.Stores.SQLite, max(size, 64)-have, nil); err != nil {
			b.Fatal(err)
		}
		have = max(size, 64)
		b.Run(fmt.Sprintf("accounts=%d", size), func(b *testing.B) {
			for range b.N {
				// Warm up: the first sign-ins fill the page cache and the connection pools.
				_ = rate(500*time.Millisecond, workers, func() {
					body, _ := json.Marshal(api.SignInRequest{DocNumber: seed.DocNumber(0), Password: seed.Password, Captcha: "off"})
					resp, _ := http.Post(env.URL+"/api/session", "application/json", bytes.NewReader(body))
					drain(resp)
				})
				h := account.NewHasher(account.DefaultHashParams)
				runtime.GC()
				// The server hashes at most one password per CPU at a time; so does the bare rate.
				hashRate := rate(window, runtime.GOMAXPROCS(0), func() { h.Hash(seed.Password) })
				var n, failures atomic.Int64
				client := loopbackClient(workers)
				signInRate := rate(window, workers, func() {
					i := n.Add(1) * 7919 % int64(have)
					body, _ := json.Marshal(api.SignInRequest{DocNumber: seed.DocNumber(int(i)), Password: seed.Password, Captcha: "off"})
					resp, err := client.Post(env.URL+"/api/session", "application/json", bytes.NewReader(body))
					if err != nil || resp.StatusCode != http.StatusOK {
						failures.Add(1)
					}
					drain(resp)
				})
				if failures.Load() > 0 {
					b.Fatalf("%d sign-ins failed", failures.Load())
				}
				b.ReportMetric(hashRate, "hashes/s")
				b.ReportMetric(signInRate, "signins/s")
				b.ReportMetric(signInRate/hashRate, "signin/hash")
				b.ReportMetric(0, "ns/op")
			}
		})
	}
}

// BenchmarkMeAgainstHelloWorld measures GET /api/me (a signed-in read: session, account and
// WeChat binding looked up, the answer masked) against a bare Fiber handler that writes "ok",
// with the same load generator on loopback in the same run, and reports the ratio (goal ≥ 0.25).
func BenchmarkMeAgainstHelloWorld(b *testing.B) {
	const window = 3 * time.Second
	workers := 4 * runtime.GOMAXPROCS(0)
	hello := fiber.New(fiber.Config{DisableStartupMessage: true})
	hello.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = hello.Listener(ln) }()
	defer func() { _ = hello.Shutdown() }()

	env := testenv.StartOn(b, testenv.SQLite)
	c := newClient(b, env)
	reg := registration(1, "13812340001")
	if st, e := c.register(reg); e != nil {
		b.Fatalf("register: %d %+v", st, e)
	}
	if st, e := c.signIn(reg.DocNumber, reg.Password); e != nil {
		b.Fatalf("sign in: %d %+v", st, e)
	}
	cookies := c.http.Jar.Cookies(mustURL(env.URL))
	for range b.N {
		client := loopbackClient(workers)
		var failures atomic.Int64
		get := func(url string, withCookies bool) func() {
			return func() {
				req, _ := http.NewRequest("GET", url, nil)
				if withCookies {
					for _, ck := range cookies {
						req.AddCookie(ck)
					}
				}
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					failures.Add(1)
				}
				drain(resp)
			}
		}
		helloRate := rate(window, workers, get("http://"+ln.Addr().String()+"/", false))
		meRate := rate(window, workers, get(env.URL+"/api/me", true))
		if failures.Load() > 0 {
			b.Fatalf("%d requests failed", failures.Load())
		}
		b.ReportMetric(helloRate, "hello/s")
		b.ReportMetric(meRate, "me/s")
		b.ReportMetric(meRate/helloRate, "me/hello")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkRegistration measures whole registrations a second (code by SMS through the stand-in,
// read back from the outbox, then the form), captcha off, over loopback, and the store's row
// writes per registration (SQLite's count of rows changed on its one writer connection).
func BenchmarkRegistration(b *testing.B) {
	const window = 3 * time.Second
	workers := 2 * runtime.GOMAXPROCS(0)
	env := testenv.StartOn(b, testenv.SQLite, testenv.WithConfig(func(c *config.Config) {
		c.CaptchaOff = true
		c.TrustedProxies = []string{"127.0.0.1"}
	}))
	ctx := context.Background()
	db := env.Server.Stores.SQLite
	for range b.N {
		hc := loopbackClient(workers)
		var n, done, failures atomic.Int64
		before, err := db.Changes(ctx)
		if err != nil {
			b.Fatal(err)
		}
		regRate := rate(window, workers, func() {
			i := int(n.Add(1))
			reg := registration(i, fmt.Sprintf("139%08d", i))
			reg.DocNumber = idNumber(fmt.Sprintf("1990%02d%02d", 1+i/28000%12, 1+i/1000%28), i)
			if durableRegister(hc, env.URL, fmt.Sprintf("127.1.%d.%d", i/250%250, i%250+1), &reg) {
				done.Add(1)
			} else {
				failures.Add(1)
			}
		})
		after, err := db.Changes(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if failures.Load() > 0 {
			b.Fatalf("%d registrations failed", failures.Load())
		}
		b.ReportMetric(regRate, "registrations/s")
		b.ReportMetric(float64(after-before)/float64(done.Load()), "row-writes/registration")
		b.ReportMetric(0, "ns/op")
	}
}

func loopbackClient(workers int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 30 * time.Second}
}

func drain(resp *http.Response) {
	if resp != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
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

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
