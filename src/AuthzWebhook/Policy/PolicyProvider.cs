using Microsoft.Extensions.Options;

namespace AuthzWebhook.Policy;

/// <summary>
/// Holds the current policy. It is loaded before the host starts (an invalid file stops start-up) and polled afterwards;
/// a bad edit keeps the last good policy and logs why.
/// </summary>
internal sealed class PolicyProvider(
    IOptions<PolicyOptions> options,
    IHostEnvironment environment,
    TimeProvider timeProvider,
    ILogger<PolicyProvider> logger,
    ITemplateUse? templateUse = null) : BackgroundService
{
    private volatile AccessPolicy _current = AccessPolicy.Empty;
    private volatile bool _loaded;

    public AccessPolicy Current => _current;

    public bool IsLoaded => _loaded;

    /// <summary>The last reload problem, or null when the file on disk is the policy in force.</summary>
    public string? LastError { get; private set; }

    private string FilePath => Path.GetFullPath(options.Value.Path, environment.ContentRootPath);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Throws PolicyValidationException: the host refuses to start on an invalid policy.
        Load();
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Loads the file unless it is loaded already; throws <see cref="PolicyValidationException"/> when it is invalid. The
    /// service calls it before the host starts (<c>StartupProblems.CheckBeforeStart</c>), then the host's start finds it done.
    /// </summary>
    public void Load()
    {
        if (_loaded)
        {
            return;
        }

        var policy = PolicyLoader.LoadFile(FilePath);
        Install(policy);
        Log.PolicyLoaded(logger, policy.Source, policy.Templates.Count, policy.Guardrails.Length, policy.ContentHash);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReloadInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            Reload();
        }
    }

    /// <summary>Re-reads the file; returns true when a new policy was installed.</summary>
    public bool Reload()
    {
        try
        {
            var text = File.ReadAllText(FilePath);
            if (string.Equals(PolicyLoader.HashOf(text), _current.ContentHash, StringComparison.Ordinal))
            {
                return false;
            }

            var policy = PolicyLoader.Parse(text, FilePath);
            var previous = _current;
            Install(policy);
            LastError = null;
            ReportReload(previous, policy);
            return true;
        }
        catch (PolicyValidationException ex)
        {
            ReportFailure(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ReportFailure($"cannot read {FilePath}: {ex.Message}");
        }
#pragma warning disable CA1031 // A reload must never take the service down: whatever went wrong, the last good policy stays.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReportFailure($"unexpected error reading {FilePath}: {ex.GetType().Name}: {ex.Message}");
        }

        return false;
    }

    /// <summary>
    /// Active windows take a template's rules as they are now, not as they were when approved: a reload that may widen
    /// a template says so, with the windows it reaches at once, so that the change is noticed and can be undone.
    /// </summary>
    private void ReportReload(AccessPolicy previous, AccessPolicy policy)
    {
        var widened = TemplateWidening.WidenedTemplates(previous, policy);
        if (widened.Count == 0)
        {
            Log.PolicyReloaded(logger, policy.Source, policy.Templates.Count, policy.Guardrails.Length, policy.ContentHash);
            return;
        }

        // A template new to this policy, with no window under it, widens nothing that is active.
        var counts = widened.Select(t => (Template: t, Live: templateUse?.LiveWindows(t) ?? 0))
            .Where(c => previous.Templates.ContainsKey(c.Template) || c.Live > 0 || TemplateWidening.GuardrailsMayLoosen(previous, policy))
            .ToList();
        if (counts.Count == 0)
        {
            Log.PolicyReloaded(logger, policy.Source, policy.Templates.Count, policy.Guardrails.Length, policy.ContentHash);
            return;
        }

        var named = string.Join(", ", counts.Select(c => $"{c.Template} ({c.Live} active)"));
        Log.PolicyWidened(logger, policy.Source, policy.ContentHash, named, counts.Sum(c => c.Live));
    }

    private void ReportFailure(string message)
    {
        if (!string.Equals(message, LastError, StringComparison.Ordinal))
        {
            LastError = message;
            Log.PolicyReloadFailed(logger, _current.ContentHash, message);
        }
    }

    private void Install(AccessPolicy policy)
    {
        _current = policy;
        _loaded = true;
    }
}
