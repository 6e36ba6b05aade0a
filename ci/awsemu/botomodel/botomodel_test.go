package botomodel

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func decoded(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestValidateInputMessages: AWS's (Coral's) wording for each constraint.
func TestValidateInputMessages(t *testing.T) {
	logs, ecs := MustLoad("logs"), MustLoad("ecs")
	cases := []struct {
		m        *Model
		op, body string
		want     []string // message fragments, "" for a valid request
		typ      bool
	}{
		{ecs, "DescribeServices", `{"services":["a"]}`, nil, false},
		{ecs, "UpdateService", `{"cluster":"c"}`, []string{"Value null at 'service' failed to satisfy constraint: Member must not be null"}, false},
		{ecs, "ListServices", `{"launchType":"MOON"}`, []string{"Value 'MOON' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES]"}, false},
		{ecs, "DescribeServices", `{"services":"a"}`, []string{"at 'services' is not a valid list"}, true},
		{logs, "PutLogEvents", `{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":""}]}`,
			[]string{"Value '' at 'logEvents.1.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1"}, false},
		{logs, "DescribeLogGroups", `{"limit":51}`, []string{"Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50"}, false},
		{logs, "CreateLogGroup", `{"logGroupName":"a b"}`, []string{"at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern"}, false},
	}
	for _, c := range cases {
		vs := c.m.ValidateInput(c.op, decoded(t, c.body))
		if len(vs) != len(c.want) {
			t.Errorf("%s %s: %d violations %v, want %d", c.op, c.body, len(vs), vs, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(vs[i].Message, w) || vs[i].Type != c.typ {
				t.Errorf("%s %s: %+v, want %q (type %v)", c.op, c.body, vs[i], w, c.typ)
			}
		}
	}
	if got := Message([]Violation{{Message: "a"}, {Message: "b"}}); got != "2 validation errors detected: a; b" {
		t.Errorf("Message: %q", got)
	}
}

// TestFormValue reads Query lists, nested structures and scalars.
func TestFormValue(t *testing.T) {
	m := MustLoad("elbv2")
	form, _ := url.ParseQuery("Action=ModifyListener&ListenerArn=arn:l&DefaultActions.member.1.Type=forward" +
		"&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=arn:tg&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=10")
	got := m.FormValue("ModifyListener", form)
	want := map[string]any{"ListenerArn": "arn:l", "DefaultActions": []any{map[string]any{"Type": "forward",
		"ForwardConfig": map[string]any{"TargetGroups": []any{map[string]any{"TargetGroupArn": "arn:tg", "Weight": "10"}}}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FormValue:\n got %#v\nwant %#v", got, want)
	}
	if vs := m.ValidateInput("ModifyListener", got); len(vs) != 0 {
		t.Errorf("valid ModifyListener refused: %v", vs)
	}
	form.Set("DefaultActions.member.1.Type", "teleport")
	if vs := m.ValidateInput("ModifyListener", m.FormValue("ModifyListener", form)); len(vs) != 1 || !strings.Contains(vs[0].Message, "enum value set") {
		t.Errorf("bad action type: %v", vs)
	}
}

// TestEmbeddedModelsAreBotocores: the embedded copies are botocore's
// models of python3's botocore without documentation (else run
// `go -C ci generate ./awsemu/botomodel`).
func TestEmbeddedModelsAreBotocores(t *testing.T) {
	dir, err := BotocoreDir()
	if err != nil {
		t.Skipf("embedded models not compared: %v", err)
	}
	for s := range Services {
		orig, err := FromBotocore(dir, s)
		if err != nil {
			t.Fatal(err)
		}
		emb, err := Load(s)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(orig)
		b, _ := json.Marshal(emb)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the embedded model differs from botocore's: run go -C ci generate ./awsemu/botomodel", s)
		}
	}
}
