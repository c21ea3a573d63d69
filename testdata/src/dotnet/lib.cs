// lib.cs: dotnet-cs.dll, a C# class library compiled with mono's mcs.
using System.Reflection;
using System.Runtime.Versioning;

[assembly: AssemblyTitle("filerep C# library sample")]
[assembly: AssemblyDescription("filerep C# library sample")]
[assembly: AssemblyCompany("filerep test samples")]
[assembly: AssemblyProduct("filerep samples")]
[assembly: AssemblyCopyright("(c) 2026 filerep authors. TEST ONLY.")]
[assembly: AssemblyVersion("1.2.3.4")]
[assembly: AssemblyFileVersion("1.2.3.4")]
[assembly: TargetFramework(".NETFramework,Version=v4.5", FrameworkDisplayName = ".NET Framework 4.5")]

namespace Filerep.Samples
{
	public static class Arith
	{
		public static int Add(int a, int b)
		{
			return a + b;
		}
	}
}
