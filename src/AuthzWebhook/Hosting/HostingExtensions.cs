using AuthzWebhook.Decisions;
using AuthzWebhook.Policy;
using AuthzWebhook.Storage.Postgres;
using AuthzWebhook.Storage.Redis;
using AuthzWebhook.Webhook;
using AuthzWebhook.Windows;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace AuthzWebhook.Hosting;

/// <summary>The composition of the whole service, so that Program.cs reads as a table of contents.</summary>
internal static class HostingExtensions
{
    /// <summary>Registers the service; with <c>migrate</c> as the first argument, only what applying <c>sql/</c> needs.</summary>
    public static WebApplicationBuilder AddAuthzWebhook(this WebApplicationBuilder builder, params string[] args)
    {
        if (IsMigrateCommand(args))
        {
            builder.Services.AddPostgres();
            return builder;
        }

        // stdout carries decision records only; every application log line goes to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<InstanceOptions>().BindConfiguration(InstanceOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.InstanceName) && o.InstanceName.Length <= 253, "AuthzWebhook:InstanceName must be 1-253 characters.")
            .ValidateOnStart();

        // Hosted services start in this order: schema, policy, decision writer, then the window index that reads both.
        builder.Services
            .AddPostgres()
            .AddRedis()
            .AddPolicy()
            .AddDecisions()
            .AddWindows()
            .AddWebhook();
        return builder;
    }

    private static bool IsMigrateCommand(string[] args) => args is ["migrate", ..];

    public static WebApplication MapAuthzWebhook(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<ListenerIsolationMiddleware>();
        app.MapWebhook();
        app.MapManagement();
        return app;
    }

    /// <summary>Runs the service, or with <c>migrate</c> as the first argument only applies <c>sql/</c> and exits.</summary>
    public static async Task<int> RunAuthzWebhookAsync(this WebApplication app, string[] args)
    {
        if (IsMigrateCommand(args))
        {
            var runner = app.Services.GetRequiredService<MigrationRunner>();
            var applied = await runner.ApplyAsync(MigrationRunner.DefaultDirectory, CancellationToken.None).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"migrations applied: {applied}").ConfigureAwait(false);
            return 0;
        }

        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }
}
