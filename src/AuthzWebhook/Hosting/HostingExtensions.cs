using AuthzWebhook.AuditEvents;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Elevations;
using AuthzWebhook.Identity;
using AuthzWebhook.Notifications;
using AuthzWebhook.Observability;
using AuthzWebhook.Policy;
using AuthzWebhook.RbacAudit;
using AuthzWebhook.Storage.Postgres;
using AuthzWebhook.Storage.Redis;
using AuthzWebhook.Webhook;
using AuthzWebhook.Windows;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Hosting;

/// <summary>The composition of the whole service, so that Program.cs reads as a table of contents.</summary>
internal static class HostingExtensions
{
    /// <summary>
    /// Registers the service; with a command (<c>migrate</c>, <c>dev-token</c>, <c>verify-log</c>, <c>correlate</c>,
    /// <c>rbac-audit</c>) first, only what it needs.
    /// </summary>
    public static WebApplicationBuilder AddAuthzWebhook(this WebApplicationBuilder builder, params string[] args)
    {
        if (IsMigrateCommand(args))
        {
            builder.Services.AddPostgres();
            return builder;
        }

        if (IsDevTokenCommand(args))
        {
            builder.Services.AddDevTokenCommand();
            return builder;
        }

        if (IsVerifyLogCommand(args) || IsRbacAuditCommand(args))
        {
            return builder;
        }

        if (IsCorrelateCommand(args))
        {
            // Its report is on stdout: log lines go to stderr, and only Npgsql's warnings, not a line per query.
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
            builder.Services.AddPostgres();
            return builder;
        }

        // stdout carries decision records only; every application log line goes to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // The framework's request lines carry the full URL, query string included, where a careless client may put its
        // token; no log level set in configuration, for any provider, brings them back.
        builder.Logging.AddFilter(RequestLineLogFilter.Category, LogLevel.Warning);
        builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, RequestLineLogFilter>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.InstanceName) && o.InstanceName.Length <= 253, "AuthzWebhook:InstanceName must be 1-253 characters.")
            .ValidateOnStart();

        // Hosted services start in this order: schema, policy, delivery of records to Postgres, the record writer, then the
        // window index that reads the schema and the policy. They stop in reverse: the record writer drains its buffer
        // into the spool before delivery makes its last attempt.
        builder.Services
            .AddPostgres()
            .AddNotifications()
            .AddRedis()
            .AddPolicy()
            .AddDecisionStore()
            .AddDecisions()
            .AddAuditEvents()
            .AddWindows()
            .AddWebhook()
            .AddIdentity(builder.Configuration)
            .AddElevations()
            .AddTelemetry(builder.Configuration);
        return builder;
    }

    private static bool IsMigrateCommand(string[] args) => args is ["migrate", ..];

    private static bool IsDevTokenCommand(string[] args) => args is [DevTokenCommand.Name, ..];

    private static bool IsVerifyLogCommand(string[] args) => args is [VerifyLogCommand.Name, ..];

    private static bool IsCorrelateCommand(string[] args) => args is [CorrelateCommand.Name, ..];

    private static bool IsRbacAuditCommand(string[] args) => args is [RbacAuditCommand.Name, ..];

    /// <summary>A one-shot command instead of the service: it serves nothing.</summary>
    private static bool IsCommand(string[] args) => IsMigrateCommand(args) || IsDevTokenCommand(args) || IsVerifyLogCommand(args) || IsCorrelateCommand(args) || IsRbacAuditCommand(args);

    /// <summary>The request pipeline and endpoints; none with <c>migrate</c>, which serves nothing.</summary>
    public static WebApplication MapAuthzWebhook(this WebApplication app, params string[] args)
    {
        if (IsCommand(args))
        {
            return app;
        }

        app.UseRouting();
        app.UseMiddleware<ListenerIsolationMiddleware>();

        // What only the REST API needs runs only on its listener: reviews on the webhook listener skip security headers,
        // problem-details pages, CORS, authorization and rate limiting altogether. (An endpoint with authorization
        // metadata reached any other way would fail with 500, never run unchecked; ListenerIsolationMiddleware answers
        // 404 before that.)
        // No UseAuthentication: the API's authorization policy names the bearer scheme and authenticates only its own
        // endpoints, so no request outside them passes through token handling.
        var api = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var addressLimits = app.Services.GetRequiredService<ApiAddressLimits>();
        app.UseWhen(context => context.Connection.LocalPort == api.Port, branch =>
        {
            branch.UseApiSecurityHeaders();
            if (api.TrustedProxies.Length > 0)
            {
                branch.UseForwardedHeaders(TrustedProxyHeaders(api.TrustedProxies));
            }

            branch.UseExceptionHandler();
            // Before any token is looked at, and before CORS answers a preflight: both cost the caller nothing.
            branch.Use(addressLimits.InvokeAsync);
            if (api.Cors.Enabled)
            {
                branch.UseCors(ApiCors.Policy);
            }

            branch.UseStatusCodePages();
            branch.UseAuthorization();
            branch.UseRateLimiter();
        });
        app.MapWebhook();
        app.MapAuditSink();
        app.MapElevationsApi();
        app.MapDecisionsApi();
        app.MapDevelopmentIssuer();
        app.MapManagement();
        return app;
    }

    /// <summary>
    /// The client address for the per-address limit comes from <c>X-Forwarded-For</c> only as far as the hops are trusted
    /// proxies: read right to left, the first address that is not one of them is the client.
    /// </summary>
    private static ForwardedHeadersOptions TrustedProxyHeaders(string[] trustedProxies)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in trustedProxies)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
        }

        return options;
    }

    /// <summary>
    /// Runs the service; with <c>migrate</c> only applies <c>sql/</c>, with <c>dev-token</c> only prints a development
    /// token, with <c>verify-log</c> only checks a decision log's hash chains, with <c>correlate</c> only joins an API server
    /// audit log with the stored decisions, with <c>rbac-audit</c> only reports standing privileged RBAC bindings. Settings
    /// and the policy are checked before the service starts (<see cref="StartupProblems"/>).
    /// </summary>
    public static async Task<int> RunAuthzWebhookAsync(this WebApplication app, string[] args)
    {
        if (IsMigrateCommand(args))
        {
            var runner = app.Services.GetRequiredService<MigrationRunner>();
            var applied = await runner.ApplyAsync(MigrationRunner.DefaultDirectory, CancellationToken.None).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"migrations applied: {applied}").ConfigureAwait(false);
            return 0;
        }

        if (IsDevTokenCommand(args))
        {
            return await DevTokenCommand.RunAsync(app.Services, args).ConfigureAwait(false);
        }

        if (IsVerifyLogCommand(args))
        {
            return await VerifyLogCommand.RunAsync(args).ConfigureAwait(false);
        }

        if (IsCorrelateCommand(args))
        {
            return await CorrelateCommand.RunAsync(app.Services, args).ConfigureAwait(false);
        }

        if (IsRbacAuditCommand(args))
        {
            return await RbacAuditCommand.RunAsync(args, Console.In, Console.Out, Console.Error).ConfigureAwait(false);
        }

        StartupProblems.CheckBeforeStart(app.Services);
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }
}
