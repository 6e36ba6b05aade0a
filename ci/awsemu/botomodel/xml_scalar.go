package botomodel

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// checkScalarText checks an XML element's text against a scalar shape (both
// XML protocols): enum values, integer ranges, numbers, booleans,
// timestamps (the shape's timestampFormat, ISO 8601 by default), base64 blobs.
func checkScalarText(s *Shape, text string, bad func(format string, args ...any)) {
	switch s.Type {
	case "string":
		if len(s.Enum) > 0 && !contains(s.Enum, text) {
			bad("%q is not one of the enum values [%s]", text, strings.Join(s.Enum, ", "))
		}
	case "integer", "long":
		bits := 64
		if s.Type == "integer" {
			bits = 32
		}
		if _, err := strconv.ParseInt(text, 10, bits); err != nil {
			bad("%q is not a valid %s", text, s.Type)
		}
	case "double", "float":
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			bad("%q is not a number", text)
		}
	case "boolean":
		if text != "true" && text != "false" {
			bad("%q is not true or false", text)
		}
	case "timestamp":
		if !validTimestamp(s.TimestampFormat, "iso8601", text) {
			bad("%q is not a timestamp in %s", text, orDefault(s.TimestampFormat, "iso8601"))
		}
	case "blob":
		if _, err := base64.StdEncoding.DecodeString(text); err != nil {
			bad("%q is not base64", text)
		}
	}
}
