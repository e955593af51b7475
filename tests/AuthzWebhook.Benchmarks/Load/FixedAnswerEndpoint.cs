using System.Text;
using AuthzWebhook.Elevations;
using AuthzWebhook.IntegrationTests.Infrastructure;
using AuthzWebhook.Webhook;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AuthzWebhook.Benchmarks.Load;

/// <summary>
/// The yardstick: the service's own listener code (<c>AddWebhook</c>'s Kestrel set-up: TLS 1.2/1.3, required client
/// certificate checked against the same CA) in front of an endpoint that reads the body and returns a constant
/// allow. Whatever the service costs beyond this is the cost of its own work per review.
/// </summary>
internal sealed class FixedAnswerEndpoint : IAsyncDisposable
{
    private static readonly byte[] Answer = Encoding.UTF8.GetBytes(
        """{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","status":{"allowed":true,"reason":"decision 0197a3c2-5d1e-7f00-8a9b-0c1d2e3f4a5b: allowed by elevation 0197a3c2-5d1e-7f00-8a9b-0c1d2e3f4a5c (template t024-ns, expires 2025-06-01T12:30:00Z)"}}""");

    private readonly WebApplication _app;

    private FixedAnswerEndpoint(WebApplication app, int port)
    {
        _app = app;
        Uri = new Uri($"https://127.0.0.1:{port}/authorize?timeout=10s");
    }

    public Uri Uri { get; }

    public static async Task<FixedAnswerEndpoint> StartAsync(TestPki pki, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(ListenerSettings.For(pki, port));

        // The service's own listener registration (options, certificates, Kestrel set-up), so both endpoints share it by
        // construction; the review handler it also registers is never resolved here.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddWebhook();
        // The listener set-up also serves the REST API's listener, with its own certificate; nothing is mapped on it here.
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section);
        builder.Services.TryAddSingleton<ApiCertificate>();

        var app = builder.Build();
        app.MapPost("/authorize", AnswerAsync);
        await app.StartAsync(cancellationToken);
        return new FixedAnswerEndpoint(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        // Read the body to its end, as the service does, so both endpoints receive the same bytes.
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted);
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(Answer, context.RequestAborted);
    }
}
