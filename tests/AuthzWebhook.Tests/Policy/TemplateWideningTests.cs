using AuthzWebhook.Policy;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthzWebhook.Tests.Policy;

/// <summary>
/// Active windows take a template's rules as they are now. A reload that may widen a template is called out, with
/// the number of active windows it reaches at once; one that only narrows or leaves grants alone is not.
/// </summary>
public sealed class TemplateWideningTests : IDisposable
{
    private const string Base = """
        apiVersion: authzwebhook/v1
        templates:
          - name: pod-debug
            scope: namespaced
            namespaces: ["payments", "billing"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["pods", "pods/log"]
                verbs: ["get", "list"]
            approval:
              approverGroups: ["oidc:sre-leads"]
          - name: other
            scope: namespaced
            namespaces: ["payments"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["configmaps"]
                verbs: ["get"]
            approval:
              approverGroups: ["oidc:sre-leads"]
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("authz-widening-").FullName;

    public static TheoryData<string, string, bool> Changes() => new()
    {
        { "a verb added", "verbs: [\"get\", \"list\"]|verbs: [\"get\", \"list\", \"delete\"]", true },
        { "a resource added", "resources: [\"pods\", \"pods/log\"]|resources: [\"pods\", \"pods/log\", \"secrets\"]", true },
        { "a namespace added", "namespaces: [\"payments\", \"billing\"]|namespaces: [\"payments\", \"billing\", \"kube-system\"]", true },
        { "a namespace turned into a pattern", "namespaces: [\"payments\", \"billing\"]|namespaces: [\"payments\", \"bill*\"]", true },
        { "cluster-scoped now", "scope: namespaced\n    namespaces: [\"payments\", \"billing\"]|scope: cluster", true },
        { "a verb removed (rules are compared whole)", "verbs: [\"get\", \"list\"]|verbs: [\"get\"]", true },
        { "a namespace removed", "namespaces: [\"payments\", \"billing\"]|namespaces: [\"payments\"]", false },
        { "the description changed", "scope: namespaced\n    namespaces: [\"payments\", \"billing\"]|description: Read pods.\n    scope: namespaced\n    namespaces: [\"payments\", \"billing\"]", false },
        { "a longer maximum duration (new requests only)", "maxDuration: PT1H\n    eligibleGroups: [\"oidc:sre\"]\n    rules:\n      - apiGroups: [\"\"]\n        resources: [\"pods\"|maxDuration: PT2H\n    eligibleGroups: [\"oidc:sre\"]\n    rules:\n      - apiGroups: [\"\"]\n        resources: [\"pods\"", false },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_change_is_judged_widening_unless_every_grant_was_already_there(string change, string edit, bool widens)
    {
        var parts = edit.Split('|');
        var before = PolicyLoader.Parse(Base, "policy.yaml");
        var after = PolicyLoader.Parse(Base.Replace(parts[0], parts[1], StringComparison.Ordinal), "policy.yaml");

        Assert.True(before.ContentHash != after.ContentHash, $"{change}: the edit did not apply");
        Assert.Equal(widens ? ["pod-debug"] : [], TemplateWidening.WidenedTemplates(before, after));
    }

    [Fact]
    public void A_reload_that_widens_a_template_warns_with_the_active_windows_it_reaches()
    {
        var (path, logger, provider) = Provider(new Use(("pod-debug", 3)));
        using var disposing = provider;
        File.WriteAllText(path, Base);
        provider.Reload();

        File.WriteAllText(path, Base.Replace("verbs: [\"get\", \"list\"]", "verbs: [\"*\"]", StringComparison.Ordinal));
        Assert.True(provider.Reload());

        var (level, eventId, text) = logger.Entries[^1];
        Assert.Equal((LogLevel.Warning, 1004), (level, eventId));
        Assert.Contains("pod-debug (3 active)", text, StringComparison.Ordinal);
        Assert.Contains("3 windows on this replica", text, StringComparison.Ordinal);
        Assert.DoesNotContain("other", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reload_that_only_narrows_logs_the_plain_reload_line()
    {
        var (path, logger, provider) = Provider(new Use(("pod-debug", 3)));
        using var disposing = provider;
        File.WriteAllText(path, Base);
        provider.Reload();

        File.WriteAllText(path, Base.Replace("namespaces: [\"payments\", \"billing\"]", "namespaces: [\"payments\"]", StringComparison.Ordinal));
        Assert.True(provider.Reload());

        Assert.Equal((LogLevel.Information, 1002), (logger.Entries[^1].Level, logger.Entries[^1].EventId));
    }

    private const string Guardrail = """

        guardrails:
          - name: kube-system-secrets
            description: Secrets in kube-system are for admins only.
            mode: enforce
            except:
              groups: ["oidc:authz-admins"]
            namespaces: ["kube-system"]
            rules:
              - apiGroups: [""]
                resources: ["secrets"]
                verbs: ["*"]
        """;

    [Theory]
    [InlineData("mode: enforce|mode: audit")]
    [InlineData("groups: [\"oidc:authz-admins\"]|groups: [\"oidc:authz-admins\", \"oidc:sre\"]")]
    [InlineData("namespaces: [\"kube-system\"]|namespaces: [\"kube-sys*\"]")]
    [InlineData("verbs: [\"*\"]|verbs: [\"get\"]")]
    public void An_enforced_guardrail_changed_or_switched_to_audit_may_widen_every_template(string edit)
    {
        var parts = edit.Split('|');
        var before = PolicyLoader.Parse(Base + Guardrail, "policy.yaml");
        var after = PolicyLoader.Parse(Base + Guardrail.Replace(parts[0], parts[1], StringComparison.Ordinal), "policy.yaml");

        Assert.Equal(["pod-debug", "other"], TemplateWidening.WidenedTemplates(before, after));
    }

    [Fact]
    public void An_enforced_guardrail_removed_may_widen_every_template_and_one_added_widens_none()
    {
        var without = PolicyLoader.Parse(Base, "policy.yaml");
        var with = PolicyLoader.Parse(Base + Guardrail, "policy.yaml");

        Assert.Equal(["pod-debug", "other"], TemplateWidening.WidenedTemplates(with, without));
        Assert.Empty(TemplateWidening.WidenedTemplates(without, with));
    }

    [Fact]
    public void A_template_back_in_the_policy_warns_when_windows_under_it_are_still_held()
    {
        var (path, logger, provider) = Provider(new Use(("other", 2)));
        using var disposing = provider;
        var otherStarts = Base.IndexOf("  - name: other", StringComparison.Ordinal);
        File.WriteAllText(path, Base[..otherStarts]);
        provider.Reload();

        File.WriteAllText(path, Base.Replace("resources: [\"configmaps\"]", "resources: [\"configmaps\", \"secrets\"]", StringComparison.Ordinal));
        Assert.True(provider.Reload());

        Assert.Equal(1004, logger.Entries[^1].EventId);
        Assert.Contains("other (2 active)", logger.Entries[^1].Text, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A provider of a policy file in this test's directory, logging to a recorder, seeing <paramref name="use"/> as the windows held.</summary>
    private (string Path, RecordingLogger<PolicyProvider> Logger, PolicyProvider Provider) Provider(ITemplateUse use)
    {
        var path = Path.Combine(_directory, "policy.yaml");
        var logger = new RecordingLogger<PolicyProvider>();
        var provider = new PolicyProvider(
            Options.Create(new PolicyOptions { Path = path }), new HostingEnvironment { ContentRootPath = _directory }, new FakeTimeProvider(), logger, use);
        return (path, logger, provider);
    }

    private sealed class Use(params (string Template, int Live)[] windows) : ITemplateUse
    {
        public int LiveWindows(string template) => windows.Where(w => w.Template == template).Sum(w => w.Live);
    }
}
