package manifest

import (
	"strings"
	"testing"
)

func TestCheckSHA(t *testing.T) {
	for _, ok := range []string{"abc1234", "0123456789abcdef0123456789abcdef01234567"} {
		if err := CheckSHA(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "abc", "ABC1234", "latest", "main", "seed", "0123456789abcdef0123456789abcdef012345678", "abc1234 "} {
		if err := CheckSHA(bad); err == nil || !strings.Contains(err.Error(), "lower-case hex") {
			t.Errorf("%q accepted or unexplained: %v", bad, err)
		}
	}
}

func TestShortRef(t *testing.T) {
	full := "123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend@sha256:ee41377b3ca8c937d046b24c2a2ceaf0fb08a569cc29fd39201286bf7ba5b3c5"
	for ref, want := range map[string]string{
		full: "bitflow-backend@sha256:ee41377b3ca8",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/bitflow-backend:abc1234": "bitflow-backend:abc1234",
		"bitflow-student@sha256:09e7":                                          "bitflow-student@sha256:09e7",
	} {
		if got := ShortRef(ref); got != want {
			t.Errorf("ShortRef(%s) = %s, want %s", ref, got, want)
		}
	}
	img := Image{Repository: "reg.example/team/bitflow-parent", Tag: "abc1234", Digest: "sha256:ff0bb66fa8fc3aed49753ec115c906621a1f99c52d03ce5c45a19566b971f03e"}
	if img.Short() != "bitflow-parent@sha256:ff0bb66fa8fc" || !strings.HasSuffix(img.Ref(), img.Digest) {
		t.Errorf("Short %s, Ref %s: the short form is for progress, the full one stays", img.Short(), img.Ref())
	}
}
