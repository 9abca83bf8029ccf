using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace S3ZipExport.Tests.Fixtures;

/// <summary>Starts a bare Kestrel server on 127.0.0.1 with an OS-chosen port; the one way the fixtures host HTTP.</summary>
internal static class LoopbackWebServer
{
    public static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(RequestDelegate handler, CancellationToken ct)
    {
        // The empty builder has no logging providers and no config sources: nothing prints, nothing reads the environment.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            // Parts of tens of MiB and slow, throttled clients are what the tests are about.
            options.Limits.MaxRequestBodySize = null;
            options.Limits.MinRequestBodyDataRate = null;
            options.Limits.MinResponseDataRate = null;
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        return (app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }
}
