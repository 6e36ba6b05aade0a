package awsemu

import (
	"fmt"
	"net/http"
)

// APIError is an AWS error response: Code is the documented error code
// (e.g. ClusterNotFoundException, ListenerNotFound), Status the HTTP status.
type APIError struct {
	Status  int
	Code    string
	Message string
	Sender  bool // Query protocol: <Type>Sender</Type> (client fault) or Receiver
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// clientError is a 400 Sender fault with the given code.
func clientError(code, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...), Sender: true}
}

// Common error constructors shared by the services.
func invalidParameter(format string, args ...any) *APIError {
	return clientError("InvalidParameterException", format, args...)
}

func throttled(action string) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: "ThrottlingException", Message: "Rate exceeded for " + action, Sender: true}
}

func unknownOperation(service, action string) *APIError {
	return clientError("UnknownOperationException", "%s does not implement %s in this emulator", service, action)
}
