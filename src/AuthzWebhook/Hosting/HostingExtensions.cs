using AuthzWebhook.AuditEvents;
using AuthzWebhook.Clients;
using AuthzWebhook.Commands;
using AuthzWebhook.Decisions;
using AuthzWebhook.DecisionStore;
using AuthzWebhook.Elevations;
using AuthzWebhook.Explain;
using AuthzWebhook.Identity;
using AuthzWebhook.Notifications;
using AuthzWebhook.Observability;
using AuthzWebhook.Policy;
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
    /// <summary>Registers the service; with a command first (<see cref="ServiceCommands"/>), only what that command needs.</summary>
    public static WebApplicationBuilder AddAuthzWebhook(this WebApplicationBuilder builder, params string[] args)
    {
        if (ServiceCommands.Find(args) is { } command)
        {
            command.Register(builder);
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
            .AddClients()
            .AddTelemetry(builder.Configuration);
        return builder;
    }

    /// <summary>The request pipeline and endpoints; none for a command, which serves nothing.</summary>
    public static WebApplication MapAuthzWebhook(this WebApplication app, params string[] args)
    {
        if (ServiceCommands.Find(args) is not null)
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
        app.MapExplainApi();
        app.MapClientsApi();
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
    /// Runs the service, or the command the first argument names (<see cref="ServiceCommands"/>). Settings and the policy
    /// are checked before the service starts (<see cref="StartupProblems"/>).
    /// </summary>
    public static async Task<int> RunAuthzWebhookAsync(this WebApplication app, string[] args)
    {
        if (ServiceCommands.Find(args) is { } command)
        {
            return await command.RunAsync(app.Services, args).ConfigureAwait(false);
        }

        StartupProblems.CheckBeforeStart(app.Services);
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }
}
