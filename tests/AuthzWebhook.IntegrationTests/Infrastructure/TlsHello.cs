using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace AuthzWebhook.IntegrationTests.Infrastructure;

/// <summary>
/// A hand-written TLS ClientHello offering exactly one protocol version, and the first record the server answers with.
/// Written by hand because the client's own TLS library may refuse to offer TLS 1.0 or 1.1 at all (Debian's OpenSSL
/// does), and then a refused handshake would prove nothing about the server.
/// </summary>
public static class TlsHello
{
    public const ushort Tls10 = 0x0301;
    public const ushort Tls11 = 0x0302;
    public const ushort Tls12 = 0x0303;

    /// <summary>What came back: a ServerHello, an alert (with its description), or the connection closed.</summary>
    public sealed record Reply(bool IsServerHello, ushort ServerVersion, byte? AlertDescription, bool Closed)
    {
        public override string ToString() =>
            IsServerHello ? $"ServerHello 0x{ServerVersion:x4}" : AlertDescription is { } alert ? $"alert {alert}" : Closed ? "closed" : "something else";
    }

    public static async Task<Reply> SendAsync(int port, ushort version)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        stream.ReadTimeout = 10_000;
        await stream.WriteAsync(ClientHello(version));

        var header = new byte[5];
        if (!await ReadExactlyAsync(stream, header))
        {
            return new Reply(false, 0, null, Closed: true);
        }

        var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3))];
        if (!await ReadExactlyAsync(stream, body))
        {
            return new Reply(false, 0, null, Closed: true);
        }

        return header[0] switch
        {
            // handshake: type 2 is ServerHello; its body starts with the chosen legacy version
            0x16 when body.Length >= 6 && body[0] == 0x02 => new Reply(true, BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(4)), null, false),
            0x15 when body.Length >= 2 => new Reply(false, 0, body[1], false),
            _ => new Reply(false, 0, null, false),
        };
    }

    private static async Task<bool> ReadExactlyAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return false;
        }
    }

    private static byte[] ClientHello(ushort version)
    {
        var body = new List<byte>();
        Add16(body, version);
        body.AddRange(Enumerable.Repeat((byte)0x5a, 32)); // random
        body.Add(0); // no session id
        // ECDHE with ECDSA or RSA, GCM (TLS 1.2) and CBC (what TLS 1.0/1.1 can use), plain RSA, and the renegotiation SCSV.
        ushort[] suites = [0xc02b, 0xc02f, 0xc009, 0xc013, 0xc00a, 0xc014, 0x002f, 0x0035, 0x00ff];
        Add16(body, (ushort)(suites.Length * 2));
        foreach (var suite in suites)
        {
            Add16(body, suite);
        }

        body.AddRange([1, 0]); // null compression only

        var extensions = new List<byte>();
        var host = Encoding.ASCII.GetBytes("localhost");
        Extension(extensions, 0x0000, [.. U16(host.Length + 3), 0, .. U16(host.Length), .. host]);
        Extension(extensions, 0x000a, [.. U16(6), .. U16(0x001d), .. U16(0x0017), .. U16(0x0018)]);
        Extension(extensions, 0x000b, [1, 0]);
        Extension(extensions, 0x000d, [.. U16(10), .. U16(0x0403), .. U16(0x0804), .. U16(0x0401), .. U16(0x0503), .. U16(0x0201)]);
        Add16(body, (ushort)extensions.Count);
        body.AddRange(extensions);

        List<byte> handshake = [0x01, 0, .. U16(body.Count)];
        handshake.AddRange(body);
        List<byte> record = [0x16, .. U16(Tls10), .. U16(handshake.Count)];
        record.AddRange(handshake);
        return [.. record];
    }

    private static void Extension(List<byte> extensions, ushort type, byte[] data)
    {
        Add16(extensions, type);
        Add16(extensions, (ushort)data.Length);
        extensions.AddRange(data);
    }

    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    private static void Add16(List<byte> bytes, ushort value) => bytes.AddRange(U16(value));
}
