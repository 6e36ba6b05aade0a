//go:build ignore

// gen writes models/<service>.json.gz: the botocore models of python3's
// botocore without their documentation.
package main

import (
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/bitflow-lms/pipeline/ci/awsemu/botomodel"
)

func main() {
	dir, err := botomodel.BotocoreDir()
	if err != nil {
		log.Fatal(err)
	}
	var names []string
	for s := range botomodel.Services {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		m, err := botomodel.FromBotocore(dir, s)
		if err != nil {
			log.Fatal(err)
		}
		b, err := botomodel.Marshal(m)
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("models", s+".json.gz"), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
