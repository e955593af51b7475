using AuthzWebhook.Policy;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthzWebhook.Tests.Policy;

/// <summary>
/// A bad hot reload must keep the last good policy and say why (ARCHITECTURE.md, Policy). An exception escaping
/// <see cref="PolicyProvider.Reload"/> would end its background loop, and by default stop the host.
/// </summary>
public sealed class PolicyProviderTests : IDisposable
{
    private const string GoodPolicy = """
        apiVersion: authzwebhook/v1
        templates:
          - name: pod-debug
            scope: namespaced
            namespaces: ["payments"]
            maxDuration: PT1H
            eligibleGroups: ["oidc:sre"]
            rules:
              - apiGroups: [""]
                resources: ["pods"]
                verbs: ["get"]
            approval:
              approverGroups: ["oidc:sre-leads"]
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("authz-policy-").FullName;
    private readonly string _path;
    private readonly PolicyProvider _provider;

    public PolicyProviderTests()
    {
        _path = Path.Combine(_directory, "policy.yaml");
        var environment = new HostingEnvironment { ContentRootPath = _directory };
        _provider = new PolicyProvider(
            Options.Create(new PolicyOptions { Path = _path }), environment, new FakeTimeProvider(), NullLogger<PolicyProvider>.Instance);
    }

    [Fact]
    public void Valid_file_is_installed()
    {
        File.WriteAllText(_path, GoodPolicy);

        Assert.True(_provider.Reload());

        Assert.True(_provider.IsLoaded);
        Assert.Equal("pod-debug", Assert.Single(_provider.Current.TemplateList).Name);
        Assert.Null(_provider.LastError);
    }

    [Fact]
    public void Invalid_edit_keeps_the_last_good_policy_and_says_why()
    {
        File.WriteAllText(_path, GoodPolicy);
        _provider.Reload();
        var good = _provider.Current;

        File.WriteAllText(_path, GoodPolicy.Replace("maxDuration: PT1H", "maxDuration: 1h", StringComparison.Ordinal));

        Assert.False(_provider.Reload());
        Assert.Same(good, _provider.Current);
        Assert.Contains($"{_path}:6:", _provider.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_bracket_in_an_edit_keeps_the_last_good_policy()
    {
        File.WriteAllText(_path, GoodPolicy);
        _provider.Reload();
        var good = _provider.Current;

        File.WriteAllText(_path, GoodPolicy.Replace("namespaces: [\"payments\"]", "namespaces: [\"payments\"", StringComparison.Ordinal));

        var reloaded = _provider.Reload();

        Assert.False(reloaded);
        Assert.Same(good, _provider.Current);
        Assert.Contains(_path, _provider.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Tagged_key_in_an_edit_keeps_the_last_good_policy_and_says_where()
    {
        File.WriteAllText(_path, GoodPolicy);
        _provider.Reload();
        var good = _provider.Current;

        // Read as a key of its own, the tagged one used to be dropped, and the rule to apply to every pod name.
        File.WriteAllText(_path, GoodPolicy.Replace("verbs: [\"get\"]", "!!str resourceNames: [\"api-0\"]\n        verbs: [\"get\"]", StringComparison.Ordinal));

        Assert.False(_provider.Reload());
        Assert.Same(good, _provider.Current);
        Assert.Contains($"{_path}:11:9: templates[0].rules[0].resourceNames: tag '!!str' is refused", _provider.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_in_an_edit_keeps_the_last_good_policy_and_says_where()
    {
        File.WriteAllText(_path, GoodPolicy);
        _provider.Reload();
        var good = _provider.Current;

        File.WriteAllText(_path, GoodPolicy
            .Replace("eligibleGroups: [", "eligibleGroups: &sre [", StringComparison.Ordinal)
            .Replace("approverGroups: [\"oidc:sre-leads\"]", "approverGroups: *sre", StringComparison.Ordinal));

        Assert.False(_provider.Reload());
        Assert.Same(good, _provider.Current);
        Assert.Contains($"{_path}:7:21: templates[0].eligibleGroups: anchor '&sre' is refused", _provider.LastError, StringComparison.Ordinal);
        Assert.Contains($"{_path}:13:23: templates[0].approval.approverGroups: alias '*sre' is refused", _provider.LastError, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _provider.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
