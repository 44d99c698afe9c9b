// Package check holds the CI checks of deploy/: every kustomize overlay renders and each
// object decodes strictly into its Kubernetes (or CRD) type, and the PrometheusRule and the
// Grafana dashboard query only metrics Parley exports. It has no code of its own; the checks
// are its tests, kept in their own module so the Kubernetes and Prometheus dependencies stay
// out of the services' builds.
package check
