//go:build !js

// Package e2e drives the applicant PWA in headless Chromium against the whole product (the real
// server with its embedded store and local stand-ins, started by jszg/server/testenv): the
// journeys register → sign in → personal centre → logout, registration with a code by WeChat scan
// and binding WeChat in the personal centre (scanned with the WeChat stand-in's phone, or through
// its authorization page inside WeChat's browser), the rules the client enforces before
// any request, and the server's verdicts shown at their fields. The journeys share one Chromium,
// each in a browser context of its own (cookies, storage, cache and service workers as in a fresh
// profile), two at a time, each against a server of its own. Its benchmarks measure the Wasm
// download and the time until the sign-in page reacts, on loopback and on an emulated 4G link,
// first visit and repeat visit from the service worker's cache. The tests are skipped when no
// Chromium or Chrome is installed; they need the client built first (make web).
package e2e
