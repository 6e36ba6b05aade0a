module dagger/bitflow

go 1.26.1

require github.com/bitflow-lms/pipeline v0.0.0-00010101000000-000000000000

replace github.com/bitflow-lms/pipeline => ../
