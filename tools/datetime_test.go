package tools

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestDatetime(t *testing.T) {
	// 2024-03-31 00:30 UTC: Paris has just switched to summer time (UTC+2),
	// New York is still on the 30th, Kathmandu is +05:45.
	now := time.Date(2024, 3, 31, 0, 30, 0, 0, time.UTC)
	r := NewRegistry(discardLog(), 0)
	if err := r.Register(Datetime{Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args                          string
		zone, datetime, date, weekday string
		offset                        string
	}{
		{`{}`, "UTC", "2024-03-31T00:30:00Z", "2024-03-31", "Sunday", "+00:00"},
		{`{"timezone":"UTC"}`, "UTC", "2024-03-31T00:30:00Z", "2024-03-31", "Sunday", "+00:00"},
		{`{"timezone":""}`, "UTC", "2024-03-31T00:30:00Z", "2024-03-31", "Sunday", "+00:00"},
		{`{"timezone":"Europe/Paris"}`, "Europe/Paris", "2024-03-31T01:30:00+01:00", "2024-03-31", "Sunday", "+01:00"},
		{`{"timezone":"America/New_York"}`, "America/New_York", "2024-03-30T20:30:00-04:00", "2024-03-30", "Saturday", "-04:00"},
		{`{"timezone":"Asia/Kathmandu"}`, "Asia/Kathmandu", "2024-03-31T06:15:00+05:45", "2024-03-31", "Sunday", "+05:45"},
		{`{"timezone":"Pacific/Kiritimati"}`, "Pacific/Kiritimati", "2024-03-31T14:30:00+14:00", "2024-03-31", "Sunday", "+14:00"},
	}
	for _, c := range cases {
		out, err := r.Invoke(context.Background(), "current_datetime", json.RawMessage(c.args))
		if err != nil {
			t.Errorf("%s: %v", c.args, err)
			continue
		}
		var got DatetimeResult
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if got.Timezone != c.zone || got.Datetime != c.datetime || got.Date != c.date || got.Weekday != c.weekday || got.UTCOffset != c.offset || got.Unix != now.Unix() {
			t.Errorf("%s: got %+v", c.args, got)
		}
		if _, err := time.Parse(time.RFC3339, got.Datetime); err != nil {
			t.Errorf("%s: datetime not RFC 3339: %v", c.args, err)
		}
	}
	// Later the same day Paris is on summer time.
	later := Datetime{Now: func() time.Time { return now.Add(2 * time.Hour) }}
	out, _ := later.Invoke(context.Background(), json.RawMessage(`{"timezone":"Europe/Paris"}`))
	var got DatetimeResult
	json.Unmarshal(out, &got)
	if got.UTCOffset != "+02:00" || got.Abbrev != "CEST" {
		t.Errorf("Paris after the switch: %+v", got)
	}
}

func TestDatetimeBadZones(t *testing.T) {
	r := NewRegistry(discardLog(), 0)
	r.Register(Datetime{})
	for _, z := range []string{"Mars/Olympus", "Local", "local", "../../etc/passwd", "/etc/localtime", `Europe\Paris`, "Europe/"} {
		args, _ := json.Marshal(map[string]string{"timezone": z})
		_, err := r.Invoke(context.Background(), "current_datetime", args)
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("zone %q: %v, want ErrInvalidInput", z, err)
		}
	}
	var ae *ArgumentError
	if _, err := r.Invoke(context.Background(), "current_datetime", json.RawMessage(`{"timezone":3}`)); !errors.As(err, &ae) {
		t.Errorf("numeric zone: %v", err)
	}
	if _, err := r.Invoke(context.Background(), "current_datetime", json.RawMessage(`{"tz":"UTC"}`)); !errors.As(err, &ae) {
		t.Errorf("unknown property: %v", err)
	}
}

func TestDatetimeRealClock(t *testing.T) {
	out, err := Datetime{}.Invoke(context.Background(), json.RawMessage(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var got DatetimeResult
	json.Unmarshal(out, &got)
	if d := time.Since(time.Unix(got.Unix, 0)); d < -time.Second || d > time.Minute {
		t.Fatalf("clock off by %s", d)
	}
}
