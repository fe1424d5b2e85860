package chat

import (
	"strconv"
	"strings"
	"time"
)

// strftime formats t like C's strftime in the C locale (what Python's
// datetime.strftime gives on Linux), including glibc's flags "-" (no
// padding), "_" (pad with spaces) and "0" (pad with zeros).
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		pad := byte(0) // 0: the conversion's default
		if f := format[i]; (f == '-' || f == '_' || f == '0') && i+1 < len(format) {
			pad = f
			i++
		}
		if !strftimeVerb(&b, format[i], pad, t) {
			b.WriteByte('%')
			if pad != 0 {
				b.WriteByte(pad)
			}
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

func num(b *strings.Builder, n, width int, def, pad byte) {
	if pad == 0 {
		pad = def
	}
	s := strconv.Itoa(n)
	switch pad {
	case '-':
	case '_':
		for i := len(s); i < width; i++ {
			b.WriteByte(' ')
		}
	default:
		for i := len(s); i < width; i++ {
			b.WriteByte('0')
		}
	}
	b.WriteString(s)
}

func strftimeVerb(b *strings.Builder, verb, pad byte, t time.Time) bool {
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	switch verb {
	case 'a':
		b.WriteString(t.Weekday().String()[:3])
	case 'A':
		b.WriteString(t.Weekday().String())
	case 'b', 'h':
		b.WriteString(t.Month().String()[:3])
	case 'B':
		b.WriteString(t.Month().String())
	case 'c':
		b.WriteString(strftime("%a %b %e %H:%M:%S %Y", t))
	case 'C':
		num(b, t.Year()/100, 2, '0', pad)
	case 'd':
		num(b, t.Day(), 2, '0', pad)
	case 'D', 'x':
		b.WriteString(strftime("%m/%d/%y", t))
	case 'e':
		num(b, t.Day(), 2, '_', pad)
	case 'F':
		b.WriteString(strftime("%Y-%m-%d", t))
	case 'G':
		y, _ := t.ISOWeek()
		num(b, y, 1, '0', pad)
	case 'g':
		y, _ := t.ISOWeek()
		num(b, y%100, 2, '0', pad)
	case 'H':
		num(b, t.Hour(), 2, '0', pad)
	case 'I':
		num(b, hour12, 2, '0', pad)
	case 'j':
		num(b, t.YearDay(), 3, '0', pad)
	case 'k':
		num(b, t.Hour(), 2, '_', pad)
	case 'l':
		num(b, hour12, 2, '_', pad)
	case 'm':
		num(b, int(t.Month()), 2, '0', pad)
	case 'M':
		num(b, t.Minute(), 2, '0', pad)
	case 'n':
		b.WriteByte('\n')
	case 'p':
		if t.Hour() < 12 {
			b.WriteString("AM")
		} else {
			b.WriteString("PM")
		}
	case 'P':
		if t.Hour() < 12 {
			b.WriteString("am")
		} else {
			b.WriteString("pm")
		}
	case 'r':
		b.WriteString(strftime("%I:%M:%S %p", t))
	case 'R':
		b.WriteString(strftime("%H:%M", t))
	case 's':
		b.WriteString(strconv.FormatInt(t.Unix(), 10))
	case 'S':
		num(b, t.Second(), 2, '0', pad)
	case 't':
		b.WriteByte('\t')
	case 'T', 'X':
		b.WriteString(strftime("%H:%M:%S", t))
	case 'u':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		num(b, wd, 1, '0', pad)
	case 'U':
		num(b, (t.YearDay()+6-int(t.Weekday()))/7, 2, '0', pad)
	case 'V':
		_, w := t.ISOWeek()
		num(b, w, 2, '0', pad)
	case 'w':
		num(b, int(t.Weekday()), 1, '0', pad)
	case 'W':
		num(b, (t.YearDay()+6-(int(t.Weekday())+6)%7)/7, 2, '0', pad)
	case 'y':
		num(b, t.Year()%100, 2, '0', pad)
	case 'Y':
		num(b, t.Year(), 1, '0', pad)
	case 'z':
		_, off := t.Zone()
		sign := byte('+')
		if off < 0 {
			sign = '-'
			off = -off
		}
		b.WriteByte(sign)
		num(b, off/3600, 2, '0', '0')
		num(b, off%3600/60, 2, '0', '0')
	case 'Z':
		name, _ := t.Zone()
		b.WriteString(name)
	case '%':
		b.WriteByte('%')
	default:
		return false
	}
	return true
}
