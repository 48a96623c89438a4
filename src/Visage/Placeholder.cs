namespace Visage; public static class Placeholder {}
