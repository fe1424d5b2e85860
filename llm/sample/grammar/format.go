package grammar

// Positions of the date / date-time / time matcher (frame.st).
const (
	dQuote    = 0  // opening quote
	dYear     = 1  // 1..4: year digits
	dDash1    = 5  // '-'
	dMonth    = 6  // 6, 7: month digits
	dDash2    = 8  // '-'
	dDay      = 9  // 9, 10: day digits
	dEnd      = 11 // date: closing quote; date-time: 'T'
	dHour     = 12 // 12, 13
	dColon1   = 14
	dMin      = 15 // 15, 16
	dColon2   = 17
	dSec      = 18 // 18, 19
	dAfterSec = 20 // '.', 'Z', '+', '-'
	dFrac1    = 21 // first fraction digit
	dOffHour  = 22 // 22, 23
	dOffColon = 24
	dOffMin   = 25 // 25, 26
	dFrac     = 27 // more fraction digits, 'Z', '+', '-'
	dClose    = 30 // closing quote
)

const maxFracSecDigits = 9

func daysIn(year, month int64) int64 {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// fmtStep matches RFC 3339 full-date, date-time (upper-case T and Z,
// seconds 00-59, at most 9 fraction digits) and full-time strings. f.v holds
// year*100+month, f.j the previous digit, f.i the fraction digit count.
func fmtStep(f frame, b byte) (frame, int8) {
	d := int64(b) - '0'
	digit := d >= 0 && d <= 9
	prev := int64(f.j)
	next := func(st uint8) (frame, int8) {
		f.st = st
		if digit {
			f.j = int32(d)
		}
		return f, rOK
	}
	switch st := f.st; st {
	case dQuote:
		if b != '"' {
			return f, rFail
		}
		if f.n.format == fmtTime {
			return next(dHour)
		}
		return next(dYear)
	case 1, 2, 3, 4:
		if !digit {
			return f, rFail
		}
		f.v = (f.v/100*10+d)*100 + f.v%100
		if st == 4 {
			return next(dDash1)
		}
		return next(st + 1)
	case dDash1, dDash2:
		if b != '-' {
			return f, rFail
		}
		return next(st + 1)
	case dMonth:
		if d != 0 && d != 1 {
			return f, rFail
		}
		return next(dMonth + 1)
	case dMonth + 1:
		if !digit || (prev == 0 && d == 0) || (prev == 1 && d > 2) {
			return f, rFail
		}
		f.v = f.v/100*100 + prev*10 + d
		return next(dDash2)
	case dDay, dDay + 1:
		max := daysIn(f.v/100, f.v%100)
		if !digit {
			return f, rFail
		}
		if st == dDay {
			if d > max/10 {
				return f, rFail
			}
			return next(dDay + 1)
		}
		if (prev == 0 && d == 0) || prev*10+d > max {
			return f, rFail
		}
		return next(dEnd)
	case dEnd:
		if f.n.format == fmtDate {
			if b == '"' {
				return f, rDone
			}
			return f, rFail
		}
		if b != 'T' {
			return f, rFail
		}
		return next(dHour)
	case dHour, dOffHour:
		if !digit || d > 2 {
			return f, rFail
		}
		return next(st + 1)
	case dHour + 1, dOffHour + 1:
		if !digit || (prev == 2 && d > 3) {
			return f, rFail
		}
		return next(st + 1)
	case dColon1, dColon2, dOffColon:
		if b != ':' {
			return f, rFail
		}
		return next(st + 1)
	case dMin, dSec, dOffMin:
		if !digit || d > 5 {
			return f, rFail
		}
		return next(st + 1)
	case dMin + 1:
		if !digit {
			return f, rFail
		}
		return next(dColon2)
	case dSec + 1:
		if !digit {
			return f, rFail
		}
		return next(dAfterSec)
	case dOffMin + 1:
		if !digit {
			return f, rFail
		}
		return next(dClose)
	case dAfterSec, dFrac:
		switch {
		case b == '.' && st == dAfterSec:
			return next(dFrac1)
		case digit && st == dFrac && f.i < maxFracSecDigits:
			f.i++
			return next(dFrac)
		case b == 'Z':
			return next(dClose)
		case b == '+' || b == '-':
			return next(dOffHour)
		}
		return f, rFail
	case dFrac1:
		if !digit {
			return f, rFail
		}
		f.i = 1
		return next(dFrac)
	case dClose:
		if b == '"' {
			return f, rDone
		}
	}
	return f, rFail
}
