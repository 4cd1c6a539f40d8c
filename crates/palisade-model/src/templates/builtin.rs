//! Where the pod specs are in the kinds Palisade knows: Kubernetes' own and those of the
//! projects most clusters run. `docs/pod-templates.md` lists the same, and a test keeps the
//! two together.

use super::ContainerLists;

/// One row of the table: the kinds of an API group whose pod specs sit at the same places.
pub(crate) struct BuiltIn {
    /// Who defines the kinds (Kubernetes' own decode an absent spec as an empty one).
    pub project: &'static str,
    pub groups: &'static [&'static str],
    pub kinds: &'static [&'static str],
    /// Pointers to the pod specs; `*` stands for every list index or mapping key.
    pub specs: &'static [&'static str],
    /// Pointer to the pods' metadata, where it is not beside the spec.
    pub metadata: Option<&'static str>,
    /// Whether the spec is merged by an operator into a template of its own (see
    /// [`super::TemplateLocation::overlay`]).
    pub overlay: bool,
    pub containers: ContainerLists,
}

const fn complete(
    project: &'static str,
    groups: &'static [&'static str],
    kinds: &'static [&'static str],
    specs: &'static [&'static str],
) -> BuiltIn {
    BuiltIn {
        project,
        groups,
        kinds,
        specs,
        metadata: None,
        overlay: false,
        containers: ContainerLists::Pod,
    }
}

pub(crate) const KUBERNETES: &str = "Kubernetes";

pub(crate) static BUILT_IN: &[BuiltIn] = &[
    complete(KUBERNETES, &[""], &["Pod"], &["/spec"]),
    complete(KUBERNETES, &[""], &["PodTemplate"], &["/template/spec"]),
    complete(
        KUBERNETES,
        &[""],
        &["ReplicationController"],
        &["/spec/template/spec"],
    ),
    complete(
        KUBERNETES,
        &["apps", "extensions"],
        &["Deployment", "ReplicaSet", "DaemonSet"],
        &["/spec/template/spec"],
    ),
    complete(
        KUBERNETES,
        &["apps"],
        &["StatefulSet"],
        &["/spec/template/spec"],
    ),
    complete(KUBERNETES, &["batch"], &["Job"], &["/spec/template/spec"]),
    complete(
        KUBERNETES,
        &["batch"],
        &["CronJob"],
        &["/spec/jobTemplate/spec/template/spec"],
    ),
    complete(
        "Argo Rollouts",
        &["argoproj.io"],
        &["Rollout"],
        &["/spec/template/spec"],
    ),
    // OpenShift 3 wrote DeploymentConfigs in the core group.
    complete(
        "OpenShift",
        &["apps.openshift.io", ""],
        &["DeploymentConfig"],
        &["/spec/template/spec"],
    ),
    complete(
        "Knative Serving",
        &["serving.knative.dev"],
        &["Service", "Configuration"],
        &["/spec/template/spec"],
    ),
    complete(
        "Knative Serving",
        &["serving.knative.dev"],
        &["Revision"],
        &["/spec"],
    ),
    complete(
        "OpenKruise",
        &["apps.kruise.io"],
        &[
            "CloneSet",
            "StatefulSet",
            "DaemonSet",
            "BroadcastJob",
            "UnitedDeployment",
        ],
        &["/spec/template/spec"],
    ),
    complete(
        "OpenKruise",
        &["apps.kruise.io"],
        &["AdvancedCronJob"],
        &[
            "/spec/template/jobTemplate/spec/template/spec",
            "/spec/template/broadcastJobTemplate/spec/template/spec",
        ],
    ),
    complete(
        "KEDA",
        &["keda.sh"],
        &["ScaledJob"],
        &["/spec/jobTargetRef/template/spec"],
    ),
    complete(
        "Volcano",
        &["batch.volcano.sh"],
        &["Job"],
        &["/spec/tasks/*/template/spec"],
    ),
    complete(
        "JobSet",
        &["jobset.x-k8s.io"],
        &["JobSet"],
        &["/spec/replicatedJobs/*/template/spec/template/spec"],
    ),
    complete(
        "LeaderWorkerSet",
        &["leaderworkerset.x-k8s.io"],
        &["LeaderWorkerSet"],
        &[
            "/spec/leaderWorkerTemplate/leaderTemplate/spec",
            "/spec/leaderWorkerTemplate/workerTemplate/spec",
        ],
    ),
    complete(
        "Kubeflow Training Operator",
        &["kubeflow.org"],
        &["TFJob"],
        &["/spec/tfReplicaSpecs/*/template/spec"],
    ),
    complete(
        "Kubeflow Training Operator",
        &["kubeflow.org"],
        &["PyTorchJob"],
        &["/spec/pytorchReplicaSpecs/*/template/spec"],
    ),
    complete(
        "Kubeflow Training Operator",
        &["kubeflow.org"],
        &["MPIJob"],
        &["/spec/mpiReplicaSpecs/*/template/spec"],
    ),
    complete(
        "Kubeflow Training Operator",
        &["kubeflow.org"],
        &["XGBoostJob"],
        &["/spec/xgbReplicaSpecs/*/template/spec"],
    ),
    complete(
        "Kubeflow Training Operator",
        &["kubeflow.org"],
        &["PaddleJob"],
        &["/spec/paddleReplicaSpecs/*/template/spec"],
    ),
    complete(
        "KubeRay",
        &["ray.io"],
        &["RayCluster"],
        &[
            "/spec/headGroupSpec/template/spec",
            "/spec/workerGroupSpecs/*/template/spec",
        ],
    ),
    complete(
        "KubeRay",
        &["ray.io"],
        &["RayJob"],
        &[
            "/spec/rayClusterSpec/headGroupSpec/template/spec",
            "/spec/rayClusterSpec/workerGroupSpecs/*/template/spec",
            "/spec/submitterPodTemplate/spec",
        ],
    ),
    complete(
        "KubeRay",
        &["ray.io"],
        &["RayService"],
        &[
            "/spec/rayClusterConfig/headGroupSpec/template/spec",
            "/spec/rayClusterConfig/workerGroupSpecs/*/template/spec",
        ],
    ),
    BuiltIn {
        project: "Crossplane",
        groups: &["pkg.crossplane.io"],
        kinds: &["DeploymentRuntimeConfig"],
        specs: &["/spec/deploymentTemplate/spec/template/spec"],
        metadata: None,
        overlay: true,
        containers: ContainerLists::Pod,
    },
    BuiltIn {
        project: "Prometheus Operator",
        groups: &["monitoring.coreos.com"],
        kinds: &[
            "Prometheus",
            "PrometheusAgent",
            "Alertmanager",
            "ThanosRuler",
        ],
        specs: &["/spec"],
        metadata: Some("/spec/podMetadata"),
        overlay: true,
        containers: ContainerLists::Pod,
    },
    BuiltIn {
        project: "Tekton Pipelines",
        groups: &["tekton.dev"],
        kinds: &["Task", "ClusterTask"],
        specs: &["/spec"],
        metadata: None,
        overlay: true,
        containers: ContainerLists::Tekton,
    },
    BuiltIn {
        project: "Tekton Pipelines",
        groups: &["tekton.dev"],
        kinds: &["TaskRun"],
        specs: &["/spec/taskSpec"],
        metadata: Some("/metadata"),
        overlay: true,
        containers: ContainerLists::Tekton,
    },
    BuiltIn {
        project: "Tekton Pipelines",
        groups: &["tekton.dev"],
        kinds: &["Pipeline"],
        specs: &["/spec/tasks/*/taskSpec", "/spec/finally/*/taskSpec"],
        metadata: None,
        overlay: true,
        containers: ContainerLists::Tekton,
    },
    BuiltIn {
        project: "Tekton Pipelines",
        groups: &["tekton.dev"],
        kinds: &["PipelineRun"],
        specs: &[
            "/spec/pipelineSpec/tasks/*/taskSpec",
            "/spec/pipelineSpec/finally/*/taskSpec",
        ],
        metadata: None,
        overlay: true,
        containers: ContainerLists::Tekton,
    },
];
