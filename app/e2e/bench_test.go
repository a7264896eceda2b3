//go:build !js

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	cdpnetwork "github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"jszg/server/testenv"
)

// network is a link to emulate.
type network struct {
	offline    bool
	latency    time.Duration // round trip
	downBitsPS float64       // 0: unthrottled
	upBitsPS   float64
}

// fourG is a typical 4G link as applicants have it: about 9 Mbit/s down, 170 ms round trip.
var fourG = network{latency: 170 * time.Millisecond, downBitsPS: 9e6, upBitsPS: 3e6}

// emulateNetwork throttles (or cuts) the tab's network. Network.emulateNetworkConditionsByRule
// is the current form of emulateNetworkConditions; unlike it, it leaves navigator.onLine alone,
// so the state the page sees is set separately.
func emulateNetwork(ctx context.Context, n network) error {
	throughput := func(bits float64) float64 {
		if bits <= 0 {
			return -1
		}
		return bits / 8
	}
	cond := &cdpnetwork.Conditions{
		Latency:            float64(n.latency / time.Millisecond),
		DownloadThroughput: throughput(n.downBitsPS),
		UploadThroughput:   throughput(n.upBitsPS),
		Offline:            n.offline,
	}
	if _, err := chromedp.Call(ctx, cdpnetwork.EmulateNetworkConditionsByRule, cdpnetwork.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &n.offline,
		MatchedNetworkConditions:    []*cdpnetwork.Conditions{cond},
	}); err != nil {
		return fmt.Errorf("emulate network: %w", err)
	}
	_, err := chromedp.Call(ctx, cdpnetwork.OverrideNetworkState, cdpnetwork.OverrideNetworkStateParams{
		Offline:            n.offline,
		Latency:            cond.Latency,
		DownloadThroughput: cond.DownloadThroughput,
		UploadThroughput:   cond.UploadThroughput,
	})
	return err
}

// workerReady holds once the service worker is active with the Wasm in its cache.
const workerReady = `(async () => {
	const reg = await navigator.serviceWorker.getRegistration();
	if (!reg || !reg.active) return false;
	for (const k of await caches.keys()) {
		const all = await (await caches.open(k)).keys();
		if (all.some((r) => r.url.endsWith("/app.wasm"))) return true;
	}
	return false;
})()`

// BenchmarkWasmSize reports the size of the client as built: raw, gzip and brotli bytes. The
// goal for the brotli copy, which browsers download, is 2.0 MB at most.
func BenchmarkWasmSize(b *testing.B) {
	dir := testenv.WebDir()
	sizes := map[string]string{"raw-bytes": "app.wasm", "gzip-bytes": "app.wasm.gz", "brotli-bytes": "app.wasm.br"}
	got := map[string]float64{}
	for b.Loop() {
		for unit, name := range sizes {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				b.Fatalf("%v: build the client first (make web)", err)
			}
			got[unit] = float64(fi.Size())
		}
	}
	for unit, v := range got {
		b.ReportMetric(v, unit)
	}
}

// BenchmarkSignInTTI reports the time to interactive of the sign-in page: from navigation start
// to the page's mount marker (window.jszgReadyAt, set after the render that adds #app-ready), on
// loopback and on emulated 4G, for a first visit (empty profile) and a repeat visit (the
// service worker serves the shell and the Wasm from its cache). Goals: 1.5 s loopback, 3 s 4G,
// 0.5 s repeat.
func BenchmarkSignInTTI(b *testing.B) {
	requireBrowser(b)
	env := testenv.Start(b)
	for _, link := range []struct {
		name string
		net  *network
	}{{"loopback", nil}, {"4g", &fourG}} {
		b.Run(link.name+"/first", func(b *testing.B) { benchTTI(b, env, link.net, false) })
		b.Run(link.name+"/repeat", func(b *testing.B) { benchTTI(b, env, link.net, true) })
	}
}

func benchTTI(b *testing.B, env *testenv.Env, link *network, repeat bool) {
	var total time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		br := newBrowser(b)
		if link != nil {
			if err := emulateNetwork(br.ctx, *link); err != nil {
				b.Fatal(err)
			}
		}
		if repeat {
			// A first visit installs the service worker; wait until it controls the page with
			// its cache filled, as after any earlier visit.
			br.open(env.URL+"/login", "login")
			br.waitFor("the service worker's cache", workerReady)
		}
		b.StartTimer()
		br.open(env.URL+"/login", "login")
		ms := eval[float64](br, `window.jszgReadyAt || 0`)
		b.StopTimer()
		if repeat && !eval[bool](br, `navigator.serviceWorker.controller !== null`) {
			b.Fatal("the repeat visit was not served by the service worker")
		}
		if ms <= 0 {
			b.Fatal("the page did not record when it became interactive")
		}
		total += time.Duration(ms * float64(time.Millisecond))
		n++
		b.StartTimer()
	}
	if n > 0 {
		b.ReportMetric(float64(total.Milliseconds())/float64(n), "ms-to-interactive")
	}
}
