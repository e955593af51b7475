using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AuthzWebhook.Elevations;

/// <summary>
/// The per-address request budget of the API listener. It runs before authentication: the per-user limit can only count
/// callers whose token is valid, so without this a flood of absent or forged tokens would cost a signature check each,
/// unlimited.
/// </summary>
internal sealed class ApiAddressLimits(IOptions<ApiOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
        RateLimitPartition.GetFixedWindowLimiter(PartitionOf(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PermitsPerMinutePerAddress,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        using var lease = _limiter.AttemptAcquire(context);
        if (lease.IsAcquired)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        await ApiRateLimits.RejectAsync(context, retryAfter, "This API allows a limited number of requests per minute from each client address").ConfigureAwait(false);
    }

    /// <summary>
    /// One partition per IPv4 address, and per /64 for IPv6: a single host usually holds a whole /64 and could otherwise
    /// pick a fresh address for every request.
    /// </summary>
    public static IPAddress PartitionOf(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    public void Dispose() => _limiter.Dispose();
}
