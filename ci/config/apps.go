package config

// App is one of the frontend portals of the bitflow-frontend monorepo.
type App struct {
	Name string `json:"name"`
	Port int    `json:"port"`
}

// Apps are the 14 Next.js portals, in the seed's build order, each on its
// own port (3001-3014). Their images are RepositoryPrefix+Name. A test keeps
// this list equal to bitflow-frontend/apps.json.
var Apps = []App{
	{"bitflow-admin", 3001},
	{"university-owner", 3002},
	{"super-admin", 3003},
	{"principal", 3004},
	{"college-admin", 3005},
	{"super-academics", 3006},
	{"faculty-teacher", 3007},
	{"student", 3008},
	{"parent", 3009},
	{"admission-admin", 3010},
	{"super-accountant", 3011},
	{"college-accounts-admin", 3012},
	{"college-fee-admin", 3013},
	{"super-non-teaching-manager", 3014},
}

// IsApp tells whether name is one of the 14 frontend apps.
func IsApp(name string) bool {
	for _, a := range Apps {
		if a.Name == name {
			return true
		}
	}
	return false
}

// AppNames lists the 14 frontend app names in order.
func AppNames() []string {
	out := make([]string, len(Apps))
	for i, a := range Apps {
		out[i] = a.Name
	}
	return out
}
