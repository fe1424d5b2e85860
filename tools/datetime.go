package tools

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones even on machines without /usr/share/zoneinfo
)

// Datetime is the current_datetime tool. Now is the clock (time.Now when
// nil), injectable for tests.
type Datetime struct {
	Now func() time.Time
}

func (Datetime) Name() string { return "current_datetime" }

func (Datetime) Description() string {
	return "Return the current date and time from the system clock: RFC 3339 timestamp, date, time, weekday, " +
		"UTC offset and Unix seconds, in an IANA time zone (default UTC). Always call this for today's date, " +
		"the current time, or anything relative to now (ages, deadlines, \"how many days until\"); never guess it."
}

func (Datetime) Schema() json.RawMessage {
	return json.RawMessage(`{"type":"object","properties":{"timezone":{"type":"string","maxLength":64,"default":"UTC",` +
		`"description":"IANA time zone name such as Europe/Paris or America/New_York; default UTC"}},"additionalProperties":false}`)
}

// DatetimeResult is current_datetime's output.
type DatetimeResult struct {
	Timezone  string `json:"timezone"`
	Datetime  string `json:"datetime"` // RFC 3339
	Date      string `json:"date"`     // YYYY-MM-DD
	Time      string `json:"time"`     // HH:MM:SS
	Weekday   string `json:"weekday"`
	UTCOffset string `json:"utc_offset"` // +HH:MM
	Abbrev    string `json:"abbreviation"`
	Unix      int64  `json:"unix"`
}

func (d Datetime) Invoke(_ context.Context, args json.RawMessage) (json.RawMessage, error) {
	var in struct {
		Timezone string `json:"timezone"`
	}
	if err := json.Unmarshal(args, &in); err != nil {
		return nil, invalidf("%v", err)
	}
	loc, err := LoadTimezone(in.Timezone)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	t := now().In(loc)
	abbr, _ := t.Zone()
	return marshal(DatetimeResult{
		Timezone:  loc.String(),
		Datetime:  t.Format(time.RFC3339),
		Date:      t.Format(time.DateOnly),
		Time:      t.Format(time.TimeOnly),
		Weekday:   t.Weekday().String(),
		UTCOffset: t.Format("-07:00"),
		Abbrev:    abbr,
		Unix:      t.Unix(),
	})
}

// LoadTimezone resolves an IANA zone name ("" and "Z" mean UTC). The
// server's local zone ("Local") is refused: it says nothing to a caller.
func LoadTimezone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	switch strings.ToUpper(name) {
	case "", "UTC", "Z", "ETC/UTC", "GMT":
		return time.UTC, nil
	}
	if strings.EqualFold(name, "local") || strings.ContainsAny(name, `\`) || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, invalidf("unknown time zone %q (use an IANA name such as Europe/Paris)", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalidf("unknown time zone %q (use an IANA name such as Europe/Paris)", name)
	}
	return loc, nil
}
