using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;

namespace AuthzWebhook.Tests.Decisions;

/// <summary>
/// The matcher must agree with Kubernetes RBAC exactly, or an elevation grants more (or less) than the same rules would
/// in a Role. The rows restate, as facts, the cases of:
/// <list type="bullet">
/// <item>kubernetes/kubernetes <c>plugin/pkg/auth/authorizer/rbac/rbac_test.go</c> (TestRuleMatches: star verb/group/resource,
/// tuple and subresource expansion, star and <c>/foo/*</c> non-resource URLs; TestAuthorizer: <c>pods</c> vs <c>pods/status</c>,
/// <c>/apis</c> vs <c>/apis/*</c>);</item>
/// <item>kubernetes/kubernetes <c>pkg/apis/rbac/v1/evaluation_helpers.go</c> (VerbMatches, APIGroupMatches, ResourceMatches
/// with <c>*/subresource</c>, ResourceNameMatches, NonResourceURLMatches trimming trailing <c>*</c>), and <c>RuleAllows</c> in
/// <c>plugin/pkg/auth/authorizer/rbac/rbac.go</c> (resource rules for resource requests, URL rules for the rest);</item>
/// <item>kubernetes.io "Using RBAC Authorization": core group <c>""</c>, <c>pods/log</c>, <c>resourceNames: [my-configmap]</c> with
/// get/update (no create/deletecollection; list/watch only with a <c>metadata.name</c> field selector, which the API server
/// turns into the request's name), <c>nonResourceURLs: ["/healthz", "/healthz/*"]</c> as a suffix glob.</item>
/// </list>
/// Rows are looked up by name so that each is its own test case and a failure names the fact that broke.
/// </summary>
public sealed class RbacRuleMatcherTests
{
    private static readonly MatchCase[] Cases =
    [
        // rbac_test.go TestRuleMatches "star verb, exact match other".
        new("Star verb matches verb1", Rule(["*"], ["group1"], ["resource1"]), Res("verb1", "group1", "resource1"), true),
        new("Star verb matches verb2", Rule(["*"], ["group1"], ["resource1"]), Res("verb2", "group1", "resource1"), true),
        new("Star verb still needs the group", Rule(["*"], ["group1"], ["resource1"]), Res("verb1", "group2", "resource1"), false),
        new("Star verb still needs the resource", Rule(["*"], ["group1"], ["resource1"]), Res("verb1", "group1", "resource2"), false),
        new("Star verb covers custom verbs such as impersonate", Rule(["*"], [""], ["users"]), Res("impersonate", "", "users"), true),

        // "star group, exact match other".
        new("Star group matches group2", Rule(["verb1"], ["*"], ["resource1"]), Res("verb1", "group2", "resource1"), true),
        new("Star group matches the core group", Rule(["get"], ["*"], ["pods"]), Res("get", "", "pods"), true),
        new("Star group still needs the verb", Rule(["verb1"], ["*"], ["resource1"]), Res("verb2", "group1", "resource1"), false),
        new("Star group still needs the resource", Rule(["verb1"], ["*"], ["resource1"]), Res("verb1", "group1", "resource2"), false),

        // "star resource, exact match other".
        new("Star resource matches resource2", Rule(["verb1"], ["group1"], ["*"]), Res("verb1", "group1", "resource2"), true),
        new("Star resource still needs the group", Rule(["verb1"], ["group1"], ["*"]), Res("verb1", "group2", "resource1"), false),
        new("Star resource matches subresources too", Rule(["get"], [""], ["*"]), Res("get", "", "pods", "log"), true),
        new("Star resource matches pods exec", Rule(["create"], [""], ["*"]), Res("create", "", "pods", "exec"), true),

        // "tuple expansion": every verb x group x resource combination.
        new("Tuple expansion verb1 group1 resource2", Rule(["verb1", "verb2"], ["group1", "group2"], ["resource1", "resource2"]), Res("verb1", "group1", "resource2"), true),
        new("Tuple expansion verb2 group2 resource2", Rule(["verb1", "verb2"], ["group1", "group2"], ["resource1", "resource2"]), Res("verb2", "group2", "resource2"), true),
        new("Tuple expansion verb2 group2 resource1", Rule(["verb1", "verb2"], ["group1", "group2"], ["resource1", "resource2"]), Res("verb2", "group2", "resource1"), true),
        new("Tuple expansion does not invent verb3", Rule(["verb1", "verb2"], ["group1", "group2"], ["resource1", "resource2"]), Res("verb3", "group1", "resource1"), false),

        // "subresource expansion" and TestAuthorizer's pods vs pods/status.
        new("resource1/subresource1 matches that subresource", Rule(["*"], ["*"], ["resource1/subresource1"]), Res("verb1", "group1", "resource1", "subresource1"), true),
        new("resource1/subresource1 does not match another subresource", Rule(["*"], ["*"], ["resource1/subresource1"]), Res("verb1", "group2", "resource1", "subresource2"), false),
        new("resource1/subresource1 does not match that subresource of another resource", Rule(["*"], ["*"], ["resource1/subresource1"]), Res("verb1", "group1", "resource2", "subresource1"), false),
        new("pods rule does not match pods/status", Rule(["*"], ["*"], ["pods"]), Res("get", "", "pods", "status"), false),
        new("pods/status rule does not match pods", Rule(["*"], ["*"], ["pods/status"]), Res("get", "", "pods"), false),

        // RBAC docs: pods and pods/log are separate grants.
        new("pods/log rule matches get pods/log", Rule(["get"], [""], ["pods", "pods/log"]), Res("get", "", "pods", "log", "api-7d9f"), true),
        new("pods rule does not match pods/log", Rule(["get", "list"], [""], ["pods"]), Res("get", "", "pods", "log", "api-7d9f"), false),
        new("pods/log rule does not match pods", Rule(["get"], [""], ["pods/log"]), Res("get", "", "pods", name: "api-7d9f"), false),
        new("pods/exec rule matches create pods/exec", Rule(["create"], [""], ["pods/exec"]), Res("create", "", "pods", "exec", "api-7d9f"), true),
        new("pods/exec rule with create does not match get pods/exec", Rule(["create"], [""], ["pods/exec"]), Res("get", "", "pods", "exec", "api-7d9f"), false),
        new("A resource spelled like pods-log is not pods/log", Rule(["get"], [""], ["pods-log"]), Res("get", "", "pods", "log"), false),

        // evaluation_helpers.go ResourceMatches: "*/subresource".
        new("*/scale matches deployments/scale", Rule(["get", "update"], ["apps"], ["*/scale"]), Res("update", "apps", "deployments", "scale", "web"), true),
        new("*/scale matches replicasets/scale", Rule(["get", "update"], ["apps"], ["*/scale"]), Res("get", "apps", "replicasets", "scale", "web-5d"), true),
        new("*/scale does not match deployments", Rule(["get", "update"], ["apps"], ["*/scale"]), Res("get", "apps", "deployments", name: "web"), false),
        new("*/scale does not match deployments/status", Rule(["get", "update"], ["apps"], ["*/scale"]), Res("get", "apps", "deployments", "status", "web"), false),
        new("*/scale does not match a shorter subresource with the same ending", Rule(["get"], ["apps"], ["*/scale"]), Res("get", "apps", "deployments", "cale"), false),

        // RBAC docs: core group "" versus named groups.
        new("Core group rule matches core pods", Rule(["get", "list", "watch"], [""], ["pods"]), Res("list", "", "pods"), true),
        new("Core group rule does not match the apps group", Rule(["get"], [""], ["deployments"]), Res("get", "apps", "deployments"), false),
        new("apps rule matches apps deployments", Rule(["get", "list"], ["apps"], ["deployments"]), Res("get", "apps", "deployments", name: "web"), true),
        new("apps rule does not match the core group", Rule(["get"], ["apps"], ["deployments"]), Res("get", "", "deployments"), false),
        new("Rule naming extensions and apps matches both", Rule(["get"], ["extensions", "apps"], ["deployments"]), Res("get", "extensions", "deployments"), true),
        new("batch jobs rule does not match core pods", Rule(["get"], ["batch"], ["jobs"]), Res("get", "", "pods"), false),

        // RBAC docs: resourceNames.
        new("resourceNames matches get of a listed name", Rule(["update", "get"], [""], ["configmaps"], names: ["my-configmap"]), Res("get", "", "configmaps", name: "my-configmap"), true),
        new("resourceNames matches update of a listed name", Rule(["update", "get"], [""], ["configmaps"], names: ["my-configmap"]), Res("update", "", "configmaps", name: "my-configmap"), true),
        new("resourceNames does not match get of another name", Rule(["update", "get"], [""], ["configmaps"], names: ["my-configmap"]), Res("get", "", "configmaps", name: "other-configmap"), false),
        new("resourceNames are case-sensitive", Rule(["get"], [""], ["configmaps"], names: ["my-config"]), Res("get", "", "configmaps", name: "My-Config"), false),
        new("resourceNames never match list without a name", Rule(["get", "list", "watch", "create", "deletecollection"], [""], ["configmaps"], names: ["my-configmap"]), Res("list", "", "configmaps"), false),
        new("resourceNames never match watch without a name", Rule(["get", "list", "watch", "create", "deletecollection"], [""], ["configmaps"], names: ["my-configmap"]), Res("watch", "", "configmaps"), false),
        new("resourceNames never match create without a name", Rule(["get", "list", "watch", "create", "deletecollection"], [""], ["configmaps"], names: ["my-configmap"]), Res("create", "", "configmaps"), false),
        new("resourceNames never match deletecollection", Rule(["get", "list", "watch", "create", "deletecollection"], [""], ["configmaps"], names: ["my-configmap"]), Res("deletecollection", "", "configmaps"), false),
        new("resourceNames match list narrowed to that name by a field selector", Rule(["list"], [""], ["configmaps"], names: ["my-configmap"]), Res("list", "", "configmaps", name: "my-configmap"), true),
        new("No resourceNames means every name", Rule(["get"], [""], ["configmaps"]), Res("get", "", "configmaps", name: "anything"), true),

        // Verbs and resources are compared exactly.
        new("Verbs are case-sensitive", Rule(["get"], [""], ["pods"]), Res("GET", "", "pods"), false),
        new("Resources are case-sensitive", Rule(["get"], [""], ["pods"]), Res("get", "", "Pods"), false),
        new("Groups are compared whole", Rule(["get"], ["apps"], ["deployments"]), Res("get", "apps.example.com", "deployments"), false),

        // rbac_test.go TestAuthorizer non-resource URLs.
        new("Exact /apis matches get /apis", Rule(["get"], urls: ["/apis"]), NonRes("get", "/apis"), true),
        new("Exact /apis with get does not match watch", Rule(["get"], urls: ["/apis"]), NonRes("watch", "/apis"), false),
        new("Exact /apis does not match /api/v1", Rule(["get"], urls: ["/apis"]), NonRes("get", "/api/v1"), false),
        new("Exact /apis does not match a path below it", Rule(["get"], urls: ["/apis"]), NonRes("get", "/apis/v1"), false),
        new("Star verb on /apis matches watch", Rule(["*"], urls: ["/apis"]), NonRes("watch", "/apis"), true),
        new("/apis/* matches /apis/v1", Rule(["get"], urls: ["/apis/*"]), NonRes("get", "/apis/v1"), true),
        new("/apis/* matches /apis/v1/foobar", Rule(["get"], urls: ["/apis/*"]), NonRes("get", "/apis/v1/foobar"), true),
        new("/apis/* does not match /api/v1", Rule(["get"], urls: ["/apis/*"]), NonRes("get", "/api/v1"), false),

        // TestRuleMatches "star nonresource" and "star nonresource subpath".
        new("URL * matches /foo", Rule(["verb1"], urls: ["*"]), NonRes("verb1", "/foo"), true),
        new("URL * matches /foo/bar/one", Rule(["verb1"], urls: ["*"]), NonRes("verb1", "/foo/bar/one"), true),
        new("URL * still needs the verb", Rule(["verb1"], urls: ["*"]), NonRes("verb2", "/foo"), false),
        new("/foo/* does not match /foo", Rule(["verb1"], urls: ["/foo/*"]), NonRes("verb1", "/foo"), false),
        new("/foo/* matches /foo/bar/one", Rule(["verb1"], urls: ["/foo/*"]), NonRes("verb1", "/foo/bar/one"), true),
        new("/foo/* does not match /notfoo/bar", Rule(["verb1"], urls: ["/foo/*"]), NonRes("verb1", "/notfoo/bar"), false),

        // TestRuleMatches "star verb, exact nonresource".
        new("Listed URL /foo/bar/one matches", Rule(["*"], urls: ["/foo", "/foo/bar/one"]), NonRes("verb2", "/foo/bar/one"), true),
        new("Listed URLs do not match an unlisted sibling", Rule(["*"], urls: ["/foo", "/foo/bar/one"]), NonRes("verb1", "/foo/baz/one"), false),
        new("Listed URLs do not match a path between them", Rule(["*"], urls: ["/foo", "/foo/bar/one"]), NonRes("verb1", "/foo/bar"), false),

        // RBAC docs: nonResourceURLs ["/healthz", "/healthz/*"], '*' is a suffix glob.
        new("/healthz matches get /healthz", Rule(["get", "post"], urls: ["/healthz", "/healthz/*"]), NonRes("get", "/healthz"), true),
        new("/healthz/* matches post /healthz/etcd", Rule(["get", "post"], urls: ["/healthz", "/healthz/*"]), NonRes("post", "/healthz/etcd"), true),
        new("/healthz rules do not match put", Rule(["get", "post"], urls: ["/healthz", "/healthz/*"]), NonRes("put", "/healthz"), false),
        new("/healthz rules do not match /healthzx", Rule(["get", "post"], urls: ["/healthz", "/healthz/*"]), NonRes("get", "/healthzx"), false),
        new("/healthz/* alone matches /healthz/etcd", Rule(["get"], urls: ["/healthz/*"]), NonRes("get", "/healthz/etcd"), true),
        new("/healthz/* alone matches /healthz/ with its slash", Rule(["get"], urls: ["/healthz/*"]), NonRes("get", "/healthz/"), true),
        new("/healthz/* alone does not match /healthz", Rule(["get"], urls: ["/healthz/*"]), NonRes("get", "/healthz"), false),
        new("/apis* prefix matches /apis", Rule(["get"], urls: ["/apis*"]), NonRes("get", "/apis"), true),
        new("/apis* prefix matches /apis/apps/v1", Rule(["get"], urls: ["/apis*"]), NonRes("get", "/apis/apps/v1"), true),
        new("/apis* prefix matches /apisx because it is a plain prefix", Rule(["get"], urls: ["/apis*"]), NonRes("get", "/apisx"), true),
        new("/apis* prefix does not match /api", Rule(["get"], urls: ["/apis*"]), NonRes("get", "/api"), false),
        new("Non-resource verbs are case-sensitive", Rule(["get"], urls: ["/healthz"]), NonRes("GET", "/healthz"), false),

        // RuleAllows: resource rules only for resource requests, URL rules only for the rest.
        new("Everything resource rule never matches a non-resource request", Rule(["*"], ["*"], ["*"]), NonRes("get", "/healthz"), false),
        new("Everything URL rule never matches a resource request", Rule(["*"], urls: ["*"]), Res("get", "", "pods"), false),
        new("URL rule never matches a resource request whose path looks alike", Rule(["get"], urls: ["/api/*"]), Res("get", "", "pods", name: "api-7d9f"), false),
    ];

    private static readonly Dictionary<string, MatchCase> ByName = Cases.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static TheoryData<string> CaseNames => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Rule_matches_exactly_as_Kubernetes_RBAC_does(string caseName)
    {
        var row = ByName[caseName];

        Assert.Equal(row.Expected, RbacRuleMatcher.Allows(row.Request, row.Rule));
    }

    [Fact]
    public void Table_is_large_enough_to_pin_the_semantics()
    {
        // Guards against rows silently disappearing in a merge; also proves names are unique (ToDictionary above).
        Assert.True(Cases.Length >= 40, $"only {Cases.Length} rows");
        Assert.Contains(Cases, c => c.Expected);
        Assert.Contains(Cases, c => !c.Expected);
    }

    [Fact]
    public void Any_rule_of_several_is_enough()
    {
        PolicyRule[] rules =
        [
            Rule(["get"], [""], ["pods"]),
            Rule(["get"], urls: ["/healthz"]),
        ];

        Assert.True(RbacRuleMatcher.AnyAllows(NonRes("get", "/healthz"), rules));
        Assert.True(RbacRuleMatcher.AnyAllows(Res("get", "", "pods"), rules));
        Assert.False(RbacRuleMatcher.AnyAllows(Res("get", "", "secrets"), rules));
        Assert.False(RbacRuleMatcher.AnyAllows(Res("get", "", "pods"), []));
    }

    private static PolicyRule Rule(string[] verbs, string[]? groups = null, string[]? resources = null, string[]? names = null, string[]? urls = null) =>
        new(groups ?? [], resources ?? [], verbs, names ?? [], urls ?? []);

    private static ReviewRequest Res(string verb, string group, string resource, string subresource = "", string name = "") => new()
    {
        User = "alice",
        IsResourceRequest = true,
        Verb = verb,
        ApiGroup = group,
        Resource = resource,
        Subresource = subresource,
        Name = name,
        Namespace = "default",
    };

    private static ReviewRequest NonRes(string verb, string path) => new()
    {
        User = "alice",
        IsResourceRequest = false,
        Verb = verb,
        Path = path,
    };

    private sealed record MatchCase(string Name, PolicyRule Rule, ReviewRequest Request, bool Expected);
}
