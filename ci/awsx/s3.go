package awsx

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3 returns an S3 client for cfg. With an endpoint override (the emulator,
// moto_server) buckets are addressed path-style (<endpoint>/<bucket>/<key>),
// since such endpoints have no per-bucket host names.
func S3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = cfg.BaseEndpoint != nil
		// Objects written without a checksum have none to validate: no log line.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}
