module github.com/parleyhq/parley/services/parse

go 1.26.0

require (
	go.yaml.in/yaml/v3 v3.0.4 // indirect
	golang.org/x/net v0.60.0 // indirect
)

require (
	github.com/parleyhq/parley/platform v0.0.0
	github.com/parleyhq/parley/proto v0.0.0
)

replace (
	github.com/parleyhq/parley/platform => ../../platform
	github.com/parleyhq/parley/proto => ../../proto
)
