package workdays_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"jszg/server/clock"
	"jszg/server/workdays"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, clock.China)
	if err != nil {
		panic(err)
	}
	return t.Add(15 * time.Hour) // an afternoon submission
}

// dueCases are, per year, submissions whose 7 working days cross that year's holidays and
// make-up days; due is the last working day counted.
var dueCases = map[int][]struct{ submitted, due string }{
	2024: {
		{"2024-02-07", "2024-02-22"}, // 8, 9; 春节 10–17; 18 (make-up Sunday), 19, 20, 21, 22
		{"2024-09-27", "2024-10-12"}, // 29 (make-up Sunday), 30; 国庆 1–7; 8, 9, 10, 11, 12 (make-up Saturday)
		{"2024-06-03", "2024-06-13"}, // 4–7; 端午 8–10; 11, 12, 13
	},
	2025: {
		{"2025-01-24", "2025-02-10"}, // 26 (make-up Sunday), 27; 春节 28–4; 5, 6, 7, 8 (make-up Saturday), 10
		{"2025-09-26", "2025-10-13"}, // 28 (make-up Sunday), 29, 30; 1–8; 9, 10, 11 (make-up Saturday), 13
		{"2025-04-25", "2025-05-08"}, // 27 (make-up Sunday), 28, 29, 30; 劳动节 1–5; 6, 7, 8
	},
	2026: {
		{"2026-02-12", "2026-02-28"}, // 13, 14 (make-up Saturday); 春节 15–23; 24, 25, 26, 27, 28 (make-up Saturday)
		{"2026-09-30", "2026-10-15"}, // 国庆 1–7; 8, 9, 10 (make-up Saturday), 12, 13, 14, 15
		{"2026-12-23", "2027-01-01"}, // into a year not shipped: an error
	},
}

func TestDueDatesPerYear(t *testing.T) {
	cal, err := workdays.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, year := range cal.Years() {
		cases, ok := dueCases[year]
		if !ok {
			t.Errorf("shipped year %d has no test", year)
		}
		for _, tc := range cases {
			got, err := cal.AddWorkdays(day(tc.submitted), 7)
			if tc.due[:4] != tc.submitted[:4] {
				if !errors.Is(err, workdays.ErrMissingYear) {
					t.Errorf("%s + 7 into an unknown year: %v, %v; want ErrMissingYear", tc.submitted, got, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s + 7: %v", tc.submitted, err)
				continue
			}
			last := got.Add(-time.Nanosecond).In(clock.China).Format(time.DateOnly)
			if last != tc.due {
				t.Errorf("%d: %s + 7 working days ends on %s, want %s", year, tc.submitted, last, tc.due)
			}
		}
	}
}

func TestMakeUpDaysAndHolidays(t *testing.T) {
	cal, _ := workdays.Shipped()
	for d, want := range map[string]bool{
		"2026-01-04": true,  // Sunday worked (元旦 调休)
		"2026-02-16": false, // 春节, a Monday
		"2026-02-28": true,  // Saturday worked
		"2026-03-07": false, // an ordinary Saturday
		"2026-03-09": true,  // an ordinary Monday
		"2025-10-08": false, // 国庆中秋
		"2024-12-31": true,
	} {
		got, err := cal.IsWorkday(day(d))
		if err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", d, got, err, want)
		}
	}
}

func TestMissingYearThenLoaded(t *testing.T) {
	cal, _ := workdays.Shipped()
	if _, err := cal.IsWorkday(day("2031-05-06")); !errors.Is(err, workdays.ErrMissingYear) {
		t.Fatalf("2031: %v, want ErrMissingYear", err)
	}
	if _, err := cal.Load([]byte(`{"year":2031,"holidays":["2031-05-01"],"workdays":["2031-05-06"]}`)); err == nil {
		t.Fatal("a weekday listed as a make-up day was accepted")
	}
	if _, err := cal.Load([]byte(`{"year":2031,"holidays":["2031-05-01","2031-05-02"],"workdays":["2031-04-27"]}`)); err != nil {
		t.Fatal(err)
	}
	if ok, err := cal.IsWorkday(day("2031-05-02")); err != nil || ok {
		t.Fatalf("loaded holiday: %v %v", ok, err)
	}
	if ok, _ := cal.IsWorkday(day("2031-04-27")); !ok {
		t.Fatal("loaded make-up Sunday is not a working day")
	}
}

func TestParseRefusesBadFiles(t *testing.T) {
	for name, raw := range map[string]string{
		"not json":      `{`,
		"bad date":      `{"year":2030,"holidays":["2030-02-30"]}`,
		"other year":    `{"year":2030,"holidays":["2029-05-01"]}`,
		"both":          `{"year":2030,"holidays":["2030-01-05"],"workdays":["2030-01-05"]}`,
		"year far away": `{"year":1900}`,
	} {
		if _, err := workdays.Parse([]byte(raw)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Loading a year again replaces it: a day the first file had off is a working day again when
// the corrected file no longer lists it.
func TestLoadingAYearAgainReplacesIt(t *testing.T) {
	cal, err := workdays.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{
		`{"year":2031,"holidays":["2031-01-01","2031-01-02"]}`,
		`{"year":2031,"holidays":["2031-01-01"]}`,
	} {
		if _, err := cal.Load([]byte(file)); err != nil {
			t.Fatal(err)
		}
	}
	if ok, err := cal.IsWorkday(day("2031-01-02")); err != nil || !ok {
		t.Fatalf("2 January 2031 after the correction: %v, %v; want a working day", ok, err)
	}
	if ok, _ := cal.IsWorkday(day("2031-01-01")); ok {
		t.Fatal("1 January 2031 became a working day")
	}
}

// Due counts a year that is not loaded Monday to Friday and says so; AddWorkdays refuses it.
func TestDueOverAMissingYearIsProvisional(t *testing.T) {
	cal, err := workdays.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	// Thursday 24 December 2099: 25, 28, 29, 30, 31 December and, by weekdays, 1 and 4 January.
	due, provisional, err := cal.Due(context.Background(), day("2099-12-24"), 7)
	if err != nil || !provisional || !due.Equal(day("2100-01-05").Add(-15*time.Hour)) {
		t.Fatalf("due %v provisional %v, %v; want the start of 5 January 2100, provisional", due, provisional, err)
	}
	if _, err := cal.AddWorkdays(day("2099-12-24"), 7); !errors.Is(err, workdays.ErrMissingYear) {
		t.Fatalf("AddWorkdays over missing years: %v", err)
	}
	// Over shipped years only, Due agrees with AddWorkdays and is not provisional.
	want, _ := cal.AddWorkdays(day("2026-03-02"), 7)
	if got, provisional, err := cal.Due(context.Background(), day("2026-03-02"), 7); err != nil || provisional || !got.Equal(want) {
		t.Fatalf("due %v provisional %v, %v; want %v", got, provisional, err, want)
	}
}
