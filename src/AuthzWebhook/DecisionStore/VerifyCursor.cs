using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AuthzWebhook.DecisionStore;

/// <summary>
/// Where a chain verification over stored records stopped, as an opaque token: the range and instance filter of the
/// first call (so a continuation checks the same records even as time moves on), the last record read, in chain order
/// (instance, run, seq), and where that record's chain stood, so the next page checks the link across the boundary. It
/// ends in a checksum that catches a damaged or edited token; it is not signed: the next call also checks that the
/// record it names is stored with that hash (<see cref="StoredChainVerifier"/>).
/// </summary>
internal sealed record VerifyCursor(DateTimeOffset Since, DateTimeOffset Until, string? Instance, string AfterInstance, Guid AfterRun, long AfterSeq, long NextSeq, string? PrevHash)
{
    public const int MaxTextLength = 4096;
    private const byte Version = 1;
    private const int ChecksumLength = 8;
    private const int MaxNameBytes = 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public override string ToString()
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, StrictUtf8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(BinaryPrimitives.ReverseEndianness(Since.UtcTicks));
            writer.Write(BinaryPrimitives.ReverseEndianness(Until.UtcTicks));
            writer.Write((byte)((Instance is null ? 0 : 1) | (PrevHash is null ? 0 : 2)));
            if (Instance is not null)
            {
                WriteName(writer, Instance);
            }

            WriteName(writer, AfterInstance);
            writer.Write(AfterRun.ToByteArray(bigEndian: true));
            writer.Write(BinaryPrimitives.ReverseEndianness(AfterSeq));
            if (PrevHash is not null)
            {
                writer.Write(BinaryPrimitives.ReverseEndianness(NextSeq));
                writer.Write(Convert.FromHexString(PrevHash));
            }
        }

        var bytes = payload.ToArray();
        return Base64UrlEncoder.Encode([.. bytes, .. SHA256.HashData(bytes).AsSpan(0, ChecksumLength)]);
    }

    /// <summary>Reads a cursor back, checking every part; <paramref name="error"/> says what is wrong with one that fails.</summary>
    public static bool TryParse(string text, TimeSpan maxRange, out VerifyCursor? cursor, out string error)
    {
        cursor = null;
        error = "is not a cursor from a previous verification's next_cursor; start again without one";
        if (text.Length is 0 or > MaxTextLength)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64UrlEncoder.DecodeBytes(text);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length <= ChecksumLength
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength)).AsSpan(0, ChecksumLength), bytes.AsSpan(bytes.Length - ChecksumLength)))
        {
            error = "is damaged or was changed (its checksum does not match); pass next_cursor back exactly as it was given";
            return false;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - ChecksumLength), StrictUtf8);
            if (reader.ReadByte() != Version)
            {
                return false;
            }

            var since = ReadTime(reader);
            var until = ReadTime(reader);
            var flags = reader.ReadByte();
            var instance = (flags & 1) != 0 ? ReadName(reader) : null;
            var after = ReadName(reader);
            var run = new Guid(reader.ReadBytes(16), bigEndian: true);
            var seq = BinaryPrimitives.ReverseEndianness(reader.ReadInt64());
            long next = 0;
            string? prev = null;
            if ((flags & 2) != 0)
            {
                next = BinaryPrimitives.ReverseEndianness(reader.ReadInt64());
                prev = Convert.ToHexStringLower(reader.ReadBytes(32));
            }

            if (flags > 3 || reader.BaseStream.Position != reader.BaseStream.Length || since is null || until is null
                || until <= since || until - since > maxRange || seq < 1 || (prev is not null && (next < 2 || prev.Length != 64))
                || (instance is not null && !string.Equals(instance, after, StringComparison.Ordinal)))
            {
                return false;
            }

            cursor = new VerifyCursor(since.Value, until.Value, instance, after, run, seq, next, prev);
            return true;
        }
        catch (Exception ex) when (ex is EndOfStreamException or DecoderFallbackException or ArgumentException or IOException)
        {
            return false;
        }
    }

    private static void WriteName(BinaryWriter writer, string name)
    {
        var bytes = StrictUtf8.GetBytes(name);
        writer.Write(BinaryPrimitives.ReverseEndianness((ushort)bytes.Length));
        writer.Write(bytes);
    }

    private static string ReadName(BinaryReader reader)
    {
        var length = BinaryPrimitives.ReverseEndianness(reader.ReadUInt16());
        if (length > MaxNameBytes)
        {
            throw new ArgumentException("name length");
        }

        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? StrictUtf8.GetString(bytes) : throw new EndOfStreamException();
    }

    private static DateTimeOffset? ReadTime(BinaryReader reader)
    {
        var ticks = BinaryPrimitives.ReverseEndianness(reader.ReadInt64());
        return ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }
}
