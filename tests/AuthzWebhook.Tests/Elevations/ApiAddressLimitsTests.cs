using System.Net;
using AuthzWebhook.Elevations;

namespace AuthzWebhook.Tests.Elevations;

public sealed class ApiAddressLimitsTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::")]
    [InlineData("::1", "::")]
    public void Ipv4_addresses_count_alone_and_ipv6_addresses_by_their_64_bit_prefix(string address, string partition)
    {
        Assert.Equal(IPAddress.Parse(partition), ApiAddressLimits.PartitionOf(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_connection_without_an_address_has_a_partition_of_its_own()
    {
        Assert.Equal(IPAddress.None, ApiAddressLimits.PartitionOf(null));
    }
}
