package botomodel

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// checkScalarText checks a scalar's text (an XML element of either XML
// protocol, or a REST header) against its shape: enum values, integer
// ranges, numbers, booleans, timestamps (the shape's timestampFormat, else
// defaultTime: iso8601 in XML, rfc822 in headers), base64 blobs.
func checkScalarText(s *Shape, text, defaultTime string, bad func(format string, args ...any)) {
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
		if !validTimestamp(s.TimestampFormat, defaultTime, text) {
			bad("%q is not a timestamp in %s", text, orDefault(s.TimestampFormat, defaultTime))
		}
	case "blob":
		if _, err := base64.StdEncoding.DecodeString(text); err != nil {
			bad("%q is not base64", text)
		}
	}
}
