package botomodel

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// TestRESTValue reads S3 requests from where the model places each member:
// URI labels (a greedy {Key+} keeps its slashes), query, headers (lists
// comma-separated, x-amz-meta-* as a map) and an XML payload.
func TestRESTValue(t *testing.T) {
	m := MustLoad("s3")
	h := http.Header{}
	h.Set("If-None-Match", "*")
	h.Set("X-Amz-Storage-Class", "STANDARD")
	h.Set("X-Amz-Meta-Owner", "ci")
	got := m.RESTValue("PutObject", RESTRequest{Path: "/state/locks/prod.json", Query: url.Values{}, Header: h, Body: []byte("{}")})
	want := map[string]any{"Bucket": "state", "Key": "locks/prod.json", "IfNoneMatch": "*", "StorageClass": "STANDARD",
		"Metadata": map[string]any{"owner": "ci"}, "Body": "{}"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PutObject:\n got %#v\nwant %#v", got, want)
	}
	q, _ := url.ParseQuery("list-type=2&max-keys=ten&prefix=runs/")
	lh := http.Header{"X-Amz-Optional-Object-Attributes": {"RestoreStatus, Nope"}}
	vs := m.ValidateInput("ListObjectsV2", m.RESTValue("ListObjectsV2", RESTRequest{Path: "/state", Query: q, Header: lh}))
	if len(vs) != 2 || !strings.Contains(Message(vs), "'MaxKeys' is not a valid integer") || !strings.Contains(Message(vs), "Value 'Nope' at 'OptionalObjectAttributes.2.member'") {
		t.Errorf("ListObjectsV2 violations: %v", vs)
	}
	if vs := m.ValidateInput("GetObject", m.RESTValue("GetObject", RESTRequest{Path: "/state/", Header: http.Header{}})); len(vs) != 1 || vs[0].Path != "Key" {
		t.Errorf("GetObject without a key: %v", vs)
	}
	body := []byte(`<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>mars-north-1</LocationConstraint></CreateBucketConfiguration>`)
	vs = m.ValidateInput("CreateBucket", m.RESTValue("CreateBucket", RESTRequest{Path: "/state", Header: http.Header{}, Body: body}))
	if len(vs) != 1 || vs[0].Path != "CreateBucketConfiguration.LocationConstraint" {
		t.Errorf("CreateBucket in mars-north-1: %v", vs)
	}
}
