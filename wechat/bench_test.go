package wechat_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"jszg/shared/api"
	"jszg/wechat"
	"jszg/wechat/wechatfake"
)

// BenchmarkPushReply measures the time from WeChat posting a scan (a new follower's subscribe
// with a registration scene, in safe mode) to the encrypted reply with the code, over loopback
// HTTP, at a fixed rate for 2 seconds (open loop: a push is sent at its time whether or not the
// earlier ones were answered). Reported, never asserted. A push costs about eight single-record
// writes (dedupe, scene claim, follow mark, code cooldown, two send limits, the code, the scene's
// state); the goal is p99 ≤ 20 ms at 500 pushes/s on the embedded store. Set MONGODB_URI to
// measure against MongoDB:
//
//	go test -run '^$' -bench PushReply -benchtime 1x ./wechat/
func BenchmarkPushReply(b *testing.B) {
	for _, rate := range []int{20, 50, 500} {
		b.Run(fmt.Sprintf("%d_per_s", rate), func(b *testing.B) {
			for range b.N {
				pushAtRate(b, rate, 2*time.Second)
			}
		})
	}
}

func pushAtRate(b *testing.B, rate int, d time.Duration) {
	b.StopTimer()
	h := newHarness(b, true)
	oldHour, oldDay := wechat.ScenesPerHour, wechat.ScenesPerDay
	wechat.ScenesPerHour.Max, wechat.ScenesPerDay.Max = 1<<20, 1<<20
	defer func() { wechat.ScenesPerHour, wechat.ScenesPerDay = oldHour, oldDay }()
	n := rate * int(d/time.Second)

	// One scene and one new follower per push, made beforehand.
	scenes := make([]api.WeChatScene, n)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				res := h.do("POST", "/api/wechat/scenes", "", api.WeChatSceneRequest{Purpose: "register"}, &scenes[i])
				if res.StatusCode != 201 {
					b.Errorf("create scene: %d", res.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	pushes := make([]*wechatfake.Push, n)
	for i := range pushes {
		p, err := h.app.NewPush(wechatfake.Event{OpenID: wechatfake.NewOpenID(), Event: "subscribe", EventKey: "qrscene_" + scenes[i].Scene})
		if err != nil {
			b.Fatal(err)
		}
		pushes[i] = p
	}

	lat := make([]time.Duration, n)
	ok := make([]bool, n)
	interval := time.Second / time.Duration(rate)
	b.StartTimer()
	start := time.Now()
	for i := range pushes {
		at := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply, status, err := h.app.Send(context.Background(), pushes[i])
			lat[i] = time.Since(at)
			ok[i] = err == nil && status == 200 && codeIn(reply) != ""
		}()
	}
	wg.Wait()
	b.StopTimer()
	failed := 0
	for _, v := range ok {
		if !v {
			failed++
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(q float64) float64 { return float64(lat[int(q*float64(n-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(ms(1), "max-ms")
	b.ReportMetric(float64(failed), "no-code")
}
