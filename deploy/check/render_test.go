package check

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// deployDir is deploy/, relative to this package.
const deployDir = ".."

// overlays are every kustomization an operator may apply.
var overlays = []string{"dev", "prod", "prod-cpu"}

// scaledObject covers the fields of KEDA's keda.sh/v1alpha1 ScaledObject that deploy/ uses.
// KEDA's own Go module pulls in most cloud SDKs, so this local type stands in for it: strict
// decoding still rejects any field not listed here, so a new field must be added (checked
// against https://keda.sh/docs/latest/reference/scaledobject-spec/) before it can be used.
type scaledObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		ScaleTargetRef struct {
			APIVersion string `json:"apiVersion,omitempty"`
			Kind       string `json:"kind,omitempty"`
			Name       string `json:"name"`
		} `json:"scaleTargetRef"`
		MinReplicaCount *int32        `json:"minReplicaCount,omitempty"`
		MaxReplicaCount *int32        `json:"maxReplicaCount,omitempty"`
		PollingInterval *int32        `json:"pollingInterval,omitempty"`
		CooldownPeriod  *int32        `json:"cooldownPeriod,omitempty"`
		Triggers        []kedaTrigger `json:"triggers"`
	} `json:"spec"`
}

// issuer and certificate cover the fields of cert-manager's cert-manager.io/v1 kinds that
// components/tls-cert-manager uses (https://cert-manager.io/docs/reference/api-docs/), for
// the reason scaledObject stands in for KEDA's.
type issuer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		SelfSigned *struct{} `json:"selfSigned,omitempty"`
		CA         *struct {
			SecretName string `json:"secretName"`
		} `json:"ca,omitempty"`
	} `json:"spec"`
}

type certificate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		IsCA        bool     `json:"isCA,omitempty"`
		CommonName  string   `json:"commonName,omitempty"`
		SecretName  string   `json:"secretName"`
		Duration    string   `json:"duration,omitempty"`
		RenewBefore string   `json:"renewBefore,omitempty"`
		Usages      []string `json:"usages,omitempty"`
		DNSNames    []string `json:"dnsNames,omitempty"`
		PrivateKey  struct {
			Algorithm string `json:"algorithm"`
			Size      int    `json:"size"`
		} `json:"privateKey"`
		IssuerRef struct {
			Name string `json:"name"`
			Kind string `json:"kind"`
		} `json:"issuerRef"`
	} `json:"spec"`
}

type kedaTrigger struct {
	Type     string            `json:"type"`
	Name     string            `json:"name,omitempty"`
	Metadata map[string]string `json:"metadata"`
}

// natsJetStreamKeys are the nats-jetstream scaler's metadata keys
// (https://keda.sh/docs/latest/scalers/nats-jetstream/); true marks the required ones.
var natsJetStreamKeys = map[string]bool{
	"natsServerMonitoringEndpoint": true,
	"account":                      true,
	"stream":                       true,
	"consumer":                     true,
	"lagThreshold":                 true,
	"activationLagThreshold":       false,
	"useHttps":                     false,
}

// newObject returns an empty typed object for apiVersion and kind.
func newObject(apiVersion, kind string) (any, error) {
	switch apiVersion + " " + kind {
	case "v1 Namespace":
		return &corev1.Namespace{}, nil
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}, nil
	case "v1 Secret":
		return &corev1.Secret{}, nil
	case "v1 Service":
		return &corev1.Service{}, nil
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}, nil
	case "apps/v1 StatefulSet":
		return &appsv1.StatefulSet{}, nil
	case "networking.k8s.io/v1 NetworkPolicy":
		return &networkingv1.NetworkPolicy{}, nil
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, nil
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, nil
	case "monitoring.coreos.com/v1 PodMonitor":
		return &monitoringv1.PodMonitor{}, nil
	case "monitoring.coreos.com/v1 PrometheusRule":
		return &monitoringv1.PrometheusRule{}, nil
	case "cert-manager.io/v1 Issuer":
		return &issuer{}, nil
	case "cert-manager.io/v1 Certificate":
		return &certificate{}, nil
	case "keda.sh/v1alpha1 ScaledObject":
		return &scaledObject{}, nil
	}
	return nil, fmt.Errorf("no Go type known for %s %s: add one to newObject", apiVersion, kind)
}

// rendered is one overlay's objects, decoded.
type rendered struct {
	objects []any
}

func render(t *testing.T, overlay string) rendered {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join(deployDir, "overlays", overlay))
	if err != nil {
		t.Fatalf("kustomize build overlays/%s: %v", overlay, err)
	}
	return decodeAll(t, rm)
}

func decodeAll(t *testing.T, rm resmap.ResMap) rendered {
	t.Helper()
	var out rendered
	for _, r := range rm.Resources() {
		id := r.CurId().String()
		raw, err := r.AsYAML()
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		obj, err := newObject(r.GetApiVersion(), r.GetKind())
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		// Strict: an unknown or duplicated field is an error, as `kubectl apply
		// --validate=strict` would make it.
		if err := yaml.UnmarshalStrict(raw, obj); err != nil {
			t.Errorf("%s does not decode strictly: %v", id, err)
			continue
		}
		out.objects = append(out.objects, obj)
	}
	return out
}

func objectsOf[T any](r rendered) []T {
	var out []T
	for _, o := range r.objects {
		if v, ok := o.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func TestOverlaysDecodeStrictly(t *testing.T) {
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			r := render(t, overlay)
			if len(r.objects) == 0 {
				t.Fatal("rendered nothing")
			}
			checkDeployments(t, r)
			checkNATS(t, r)
		})
	}
}

// checkDeployments holds each service to what the operations guide promises: probes,
// resources, a locked-down container and a PodDisruptionBudget.
func checkDeployments(t *testing.T, r rendered) {
	t.Helper()
	pdbs := map[string]bool{}
	for _, p := range objectsOf[*policyv1.PodDisruptionBudget](r) {
		if p.Spec.Selector != nil {
			pdbs[p.Spec.Selector.MatchLabels["app.kubernetes.io/name"]] = true
		}
	}
	deps := objectsOf[*appsv1.Deployment](r)
	if len(deps) != 3 {
		t.Errorf("%d Deployments, want one per service (3)", len(deps))
	}
	for _, d := range deps {
		name := d.Spec.Template.Labels["app.kubernetes.io/name"]
		if !pdbs[name] {
			t.Errorf("Deployment %s: no PodDisruptionBudget selects %s", d.Name, name)
		}
		ps := d.Spec.Template.Spec
		if ps.SecurityContext == nil || ps.SecurityContext.RunAsNonRoot == nil || !*ps.SecurityContext.RunAsNonRoot {
			t.Errorf("Deployment %s: pod does not require a non-root user", d.Name)
		}
		for _, c := range ps.Containers {
			where := d.Name + "/" + c.Name
			if c.LivenessProbe == nil || c.ReadinessProbe == nil {
				t.Errorf("%s: needs liveness and readiness probes", where)
			} else if c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
				t.Errorf("%s: readiness must probe /readyz", where)
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s: needs a CPU request and a memory limit", where)
			}
			sc := c.SecurityContext
			if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
				sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
				sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" {
				t.Errorf("%s: needs a read-only root, no privilege escalation and all capabilities dropped", where)
			}
		}
	}
}

// checkNATS holds the JetStream cluster to its durability settings.
func checkNATS(t *testing.T, r rendered) {
	t.Helper()
	var sts *appsv1.StatefulSet
	for _, s := range objectsOf[*appsv1.StatefulSet](r) {
		if s.Name == "nats" {
			sts = s
		}
	}
	if sts == nil {
		t.Fatal("no nats StatefulSet")
	}
	if sts.Spec.Replicas == nil || *sts.Spec.Replicas != 3 || len(sts.Spec.VolumeClaimTemplates) == 0 {
		t.Errorf("nats: want 3 replicas with persistent volumes")
	}
	var conf string
	for _, cm := range objectsOf[*corev1.ConfigMap](r) {
		if strings.HasPrefix(cm.Name, "nats-config") {
			conf = cm.Data["nats.conf"]
		}
	}
	for _, want := range []string{"sync_interval: always", "server_name: $POD_NAME", "nats-0.nats-headless:6222", "nats-2.nats-headless:6222"} {
		if !strings.Contains(conf, want) {
			t.Errorf("nats.conf lacks %q", want)
		}
	}
	var headless bool
	for _, s := range objectsOf[*corev1.Service](r) {
		if s.Name == sts.Spec.ServiceName && s.Spec.ClusterIP == corev1.ClusterIPNone {
			headless = true
		}
	}
	if !headless {
		t.Errorf("nats: service %q is not a headless Service", sts.Spec.ServiceName)
	}
}

func TestScaledObjectsReachEveryNATSPod(t *testing.T) {
	r := render(t, "prod")
	sos := objectsOf[*scaledObject](r)
	targets := map[string]bool{}
	for _, so := range sos {
		targets[so.Spec.ScaleTargetRef.Name] = true
		for i, tr := range so.Spec.Triggers {
			where := fmt.Sprintf("ScaledObject %s trigger %d", so.Name, i)
			if tr.Type != "nats-jetstream" {
				t.Errorf("%s: type %q, want nats-jetstream", where, tr.Type)
				continue
			}
			for k := range tr.Metadata {
				if _, ok := natsJetStreamKeys[k]; !ok {
					t.Errorf("%s: unknown metadata key %q", where, k)
				}
			}
			for k, required := range natsJetStreamKeys {
				if required && tr.Metadata[k] == "" {
					t.Errorf("%s: missing %s", where, k)
				}
			}
			if ep := tr.Metadata["natsServerMonitoringEndpoint"]; !strings.HasPrefix(ep, "nats-headless.parley.svc.") {
				t.Errorf("%s: endpoint %q does not go through the headless service, so KEDA may read a follower's stale lag", where, ep)
			}
			if tr.Metadata["useHttps"] != "false" {
				t.Errorf("%s: useHttps %q, the monitoring port speaks plain HTTP", where, tr.Metadata["useHttps"])
			}
		}
	}
	for _, want := range []string{"parley-parse", "parley-notify"} {
		if !targets[want] {
			t.Errorf("no ScaledObject scales %s", want)
		}
	}
}
