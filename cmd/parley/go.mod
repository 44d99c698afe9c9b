module github.com/parleyhq/parley/cmd/parley

go 1.26.0

require (
	github.com/parleyhq/parley/platform v0.0.0
	github.com/parleyhq/parley/proto v0.0.0
	github.com/parleyhq/parley/services/fetch v0.0.0
	github.com/parleyhq/parley/services/notify v0.0.0
	github.com/parleyhq/parley/services/parse v0.0.0
)

replace (
	github.com/parleyhq/parley/platform => ../../platform
	github.com/parleyhq/parley/proto => ../../proto
	github.com/parleyhq/parley/services/fetch => ../../services/fetch
	github.com/parleyhq/parley/services/notify => ../../services/notify
	github.com/parleyhq/parley/services/parse => ../../services/parse
)
