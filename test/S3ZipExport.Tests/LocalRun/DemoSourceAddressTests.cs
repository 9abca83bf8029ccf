using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using S3ZipExport.LocalServices;

namespace S3ZipExport.Tests.LocalRun;

/// <summary>
/// The demo source listens on 127.0.0.1 unless told otherwise; the README's `sam local invoke` recipe starts it with
/// `--address 0.0.0.0`, so the function in its container reaches it through the host's address.
/// </summary>
public sealed class DemoSourceAddressTests
{
    [Fact]
    public async Task By_default_it_answers_on_loopback_only_and_with_0_0_0_0_on_the_hosts_own_address_too()
    {
        var hostAddress = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(hostAddress is not null, "this machine has no non-loopback IPv4 address to reach the server by");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        await using (var loopbackOnly = await DemoSourceServer.StartAsync())
        {
            using var local = await http.GetAsync(loopbackOnly.EventsUrl(0.01));
            local.EnsureSuccessStatusCode();
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(Via(hostAddress, loopbackOnly)));
        }

        await using var everywhere = await DemoSourceServer.StartAsync(address: IPAddress.Any);
        using var remote = await http.GetAsync(Via(hostAddress, everywhere));
        remote.EnsureSuccessStatusCode();
        Assert.StartsWith("{\"results_returned\"", await remote.Content.ReadAsStringAsync());
    }

    private static Uri Via(IPAddress address, DemoSourceServer server) =>
        new UriBuilder(server.EventsUrl(0.01)) { Host = address.ToString() }.Uri;
}
