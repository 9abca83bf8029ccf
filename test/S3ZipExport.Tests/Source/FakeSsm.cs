using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using S3ZipExport.Tests.Fixtures;

namespace S3ZipExport.Tests.Source;

/// <summary>
/// SSM Parameter Store's GetParameter on a loopback port, as the AWS SDK speaks it (JSON 1.1:
/// POST / with X-Amz-Target: AmazonSSM.GetParameter). Only the HTTP boundary is faked; the real SDK client calls it.
/// </summary>
internal sealed class FakeSsm : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Target, JsonElement Body)> _calls = new();
    private static readonly JsonSerializerOptions PascalCase = new();
    private WebApplication _app = null!;

    public Uri Endpoint { get; private set; } = null!;
    public IReadOnlyList<(string Target, JsonElement Body)> Calls => _calls.ToArray();

    public static async Task<FakeSsm> StartAsync()
    {
        var ssm = new FakeSsm();
        (ssm._app, ssm.Endpoint) = await LoopbackWebServer.StartAsync(ssm.HandleAsync, CancellationToken.None);
        return ssm;
    }

    public void PutSecureString(string name, string value) => _parameters[name] = value;

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        using var request = await JsonDocument.ParseAsync(context.Request.Body);
        _calls.Enqueue((target, request.RootElement.Clone()));
        context.Response.ContentType = "application/x-amz-json-1.1";
        var name = request.RootElement.GetProperty("Name").GetString()!;
        if (target != "AmazonSSM.GetParameter" || !_parameters.TryGetValue(name, out var value))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["__type"] = "ParameterNotFound", ["message"] = "" }, PascalCase);
            return;
        }
        // PascalCase member names, as the service sends them (the SDK's unmarshaller is case-sensitive).
        await context.Response.WriteAsJsonAsync(new
        {
            Parameter = new { Name = name, Type = "SecureString", Value = value, Version = 1, DataType = "text" },
        }, PascalCase);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
